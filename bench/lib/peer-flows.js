import { performance } from "node:perf_hooks";
import { failed } from "./flows.js";
import { CookieJar, request } from "./http.js";

// better-auth's sign-in through its documented HTTP endpoints (what its client does):
// POST /api/auth/sign-in/email → {"twoFactorRedirect":true} and the signed two_factor
// cookie → POST /api/auth/two-factor/verify-totp → the session cookie. Two requests;
// Vestibule's sign-in also fetches its two pages (four requests), as a browser does.

const SESSION = "better-auth.session_token";

export function betterAuthFlows(password) {
  return {
    name: "better-auth",
    async fullSignIn(t, book, user) {
      const { pool, origin } = t;
      const jar = new CookieJar();
      const headers = ["origin", origin];
      const t0 = performance.now();
      let what = "POST /api/auth/sign-in/email";
      let tStep = t0;
      try {
        let r = await request(pool, "POST", "/api/auth/sign-in/email", {
          jar,
          headers,
          json: `{"email":${JSON.stringify(user.username)},"password":${JSON.stringify(password)}}`,
          keepBody: true,
        });
        if (r.status !== 200 || !r.body.includes('"twoFactorRedirect":true')) {
          return failed(what, r, t0, tStep);
        }
        what = "POST /api/auth/two-factor/verify-totp";
        tStep = performance.now();
        r = await request(pool, "POST", "/api/auth/two-factor/verify-totp", {
          jar,
          headers,
          json: `{"code":"${book.code(user)}"}`,
          keepBody: true,
        });
        return verified(r, jar, t0, tStep);
      } catch (err) {
        return { kind: "error", detail: `${what}: ${err.message}`, ms: performance.now() - t0 };
      }
    },
    async verifyOnly(t, book, user) {
      const { pool, origin } = t;
      const jar = new CookieJar();
      const cookie = user.flows.pop();
      const eq = cookie.indexOf("=");
      jar.set(cookie.slice(0, eq), cookie.slice(eq + 1));
      const json = `{"code":"${book.code(user)}"}`;
      const t0 = performance.now();
      try {
        const r = await request(pool, "POST", "/api/auth/two-factor/verify-totp", {
          jar,
          headers: ["origin", origin],
          json,
          keepBody: true,
        });
        return verified(r, jar, t0, t0);
      } catch (err) {
        return { kind: "error", detail: `verify-totp: ${err.message}`, ms: performance.now() - t0 };
      }
    },
  };
}

function verified(r, jar, t0, tStep) {
  if (r.status === 200 && jar.has(SESSION)) return { kind: "ok", ms: performance.now() - t0 };
  if (r.status === 401 && r.body.includes("INVALID_CODE")) {
    return { kind: "code_refused", ms: performance.now() - t0 };
  }
  return failed("POST /api/auth/two-factor/verify-totp", r, t0, tStep);
}
