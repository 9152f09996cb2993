import { performance } from "node:perf_hooks";
import { CookieJar, csrfFrom, request } from "./http.js";

// Outcomes: ok | busy (503 from the hash cap) | code_refused (the server said the code
// was wrong — with known secrets only a step-timing slip of the generator, reported on
// its own) | error (anything else: 5xx, wrong status or redirect, network failure).

/**
 * One sign-in as a browser does it: GET /login → POST /login → GET /login/verify →
 * POST /login/verify with the current TOTP code → 303 to / with a session cookie.
 */
export async function fullLogin(target, book, user, password) {
  const { base, agent } = target;
  const jar = new CookieJar();
  const t0 = performance.now();
  const failed = (what, r) => ({
    kind: "error",
    detail: `${what} → ${r.status}${r.location ? ` ${r.location}` : ""}`,
    ms: performance.now() - t0,
  });
  try {
    let r = await request(base, agent, "GET", "/login", { jar });
    if (r.status !== 200) return failed("GET /login", r);
    const tPost = performance.now();
    r = await request(base, agent, "POST", "/login", {
      jar,
      form: { _csrf: csrfFrom(r.body), username: user.username, password },
    });
    if (r.status === 503) {
      return { kind: "busy", ms: performance.now() - t0, stepMs: performance.now() - tPost };
    }
    if (r.status !== 303 || r.location !== "/login/verify") return failed("POST /login", r);
    r = await request(base, agent, "GET", "/login/verify", { jar });
    if (r.status !== 200) return failed("GET /login/verify", r);
    const code = book.code(user);
    r = await request(base, agent, "POST", "/login/verify", {
      jar,
      form: { _csrf: csrfFrom(r.body), code },
    });
    return verified(r, jar, t0, "POST /login/verify");
  } catch (err) {
    return { kind: "error", detail: err.message, ms: performance.now() - t0 };
  }
}

/** The TOTP step alone, for a pending sign-in prepared beforehand. */
export async function verifyOnly(target, book, user) {
  const { base, agent, signinCookie } = target;
  const challenge = user.challenges.pop();
  const jar = new CookieJar();
  jar.cookies.set(signinCookie, challenge.token);
  const code = book.code(user);
  const t0 = performance.now();
  try {
    const r = await request(base, agent, "POST", "/login/verify", {
      jar,
      form: { _csrf: challenge.csrf, code },
    });
    return verified(r, jar, t0, "POST /login/verify");
  } catch (err) {
    return { kind: "error", detail: err.message, ms: performance.now() - t0 };
  }
}

function verified(r, jar, t0, what) {
  const ms = performance.now() - t0;
  if (r.status === 303 && r.location === "/" && [...jar.cookies.keys()].some(isSession)) {
    return { kind: "ok", ms };
  }
  if (r.status === 401 && r.body.includes("code is not valid")) return { kind: "code_refused", ms };
  return { kind: "error", detail: `${what} → ${r.status} ${r.location ?? ""}`.trim(), ms };
}

const isSession = (name) => name.endsWith("vst_session");
