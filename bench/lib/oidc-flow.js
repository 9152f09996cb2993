import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { addClient } from "../../dist/oidc/clients.js";
import { failed } from "./flows.js";
import { CookieJar, csrfFrom, request } from "./http.js";

// Issue 10's row: a full OpenID Connect sign-in as an application and a browser do it —
// authorize (PKCE S256, state, nonce) → the provider sends the browser to Vestibule's
// Login → password → verification (Confirm) → back through the provider to the
// application's redirect URI with a code → the application's token request. The same
// generator (undici, raw handler) and the same users as the plain sign-in.

export const REDIRECT_URI = "https://app.example.test/callback";
const encode = encodeURIComponent;
const b64url = (buf) => buf.toString("base64url");

/** A public client (PKCE only), written as `vestibule client add … --public` writes it. */
export async function registerBenchClient(seeder) {
  const random = { bytes: (n) => randomBytes(n), int: () => 0 };
  const added = await addClient(
    { db: seeder.opened.db, box: undefined, random },
    {
      name: "bench application",
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: [],
      public: true,
      requireMfa: true,
    },
    Date.now(),
  );
  return added.clientId;
}

/** The path of a Location on the server's own origin (the provider answers absolute URLs). */
function pathOf(location, origin) {
  return location.startsWith(origin) ? location.slice(origin.length) : location;
}

export async function fullOidcSignIn(target, book, user, password, clientId) {
  const { pool } = target;
  const origin = `http://${target.base.host}:${target.base.port}`;
  const jar = new CookieJar();
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash("sha256").update(verifier).digest());
  const state = b64url(randomBytes(12));
  const t0 = performance.now();
  let what = "GET /oidc/auth";
  let tStep = t0;
  // Follows the provider's redirects (as a browser does) until a page of ours answers.
  const follow = async (r) => {
    for (let hops = 0; r.status >= 300 && r.status < 400 && hops < 6; hops++) {
      const path = pathOf(r.location ?? "", origin);
      if (!path.startsWith("/")) return { r, external: path };
      what = `GET ${path.split("?")[0]}`;
      tStep = performance.now();
      r = await request(pool, "GET", path, { jar, keepBody: true });
    }
    return { r };
  };
  try {
    const auth =
      `/oidc/auth?client_id=${encode(clientId)}&response_type=code&scope=openid` +
      `&redirect_uri=${encode(REDIRECT_URI)}&code_challenge=${challenge}` +
      `&code_challenge_method=S256&state=${state}&nonce=${state}`;
    let { r } = await follow(await request(pool, "GET", auth, { jar, keepBody: true }));
    if (r.status !== 200) return failed(what, r, t0, tStep);
    what = "POST /login";
    tStep = performance.now();
    r = await request(pool, "POST", "/login", {
      jar,
      form: `_csrf=${csrfFrom(r.body)}&username=${encode(user.username)}&password=${encode(password)}`,
    });
    if (r.status !== 303 || r.location !== "/login/verify") return failed(what, r, t0, tStep);
    what = "GET /login/verify";
    tStep = performance.now();
    r = await request(pool, "GET", "/login/verify", { jar, keepBody: true });
    if (r.status !== 200) return failed(what, r, t0, tStep);
    what = "POST /login/verify";
    tStep = performance.now();
    r = await request(pool, "POST", "/login/verify", {
      jar,
      form: `_csrf=${csrfFrom(r.body)}&code=${book.code(user)}`,
      keepBody: true,
    });
    if (r.status === 401 && r.body.includes("code is not valid")) {
      return { kind: "code_refused", ms: performance.now() - t0 };
    }
    const back = await follow(r);
    const callback = back.external && URL.parse(back.external);
    if (!callback || `${callback.origin}${callback.pathname}` !== REDIRECT_URI) {
      return failed(what, back.r, t0, tStep);
    }
    const code = callback.searchParams.get("code");
    if (!code || callback.searchParams.get("state") !== state) {
      return { kind: "error", detail: `callback without code: ${back.external}`, ms: 0 };
    }
    what = "POST /oidc/token";
    tStep = performance.now();
    r = await request(pool, "POST", "/oidc/token", {
      form:
        `grant_type=authorization_code&code=${encode(code)}&redirect_uri=${encode(REDIRECT_URI)}` +
        `&client_id=${encode(clientId)}&code_verifier=${verifier}`,
      keepBody: true,
    });
    if (r.status !== 200 || !r.body.includes('"id_token"')) return failed(what, r, t0, tStep);
    return { kind: "ok", ms: performance.now() - t0 };
  } catch (err) {
    return { kind: "error", detail: `${what}: ${err.message}`, ms: performance.now() - t0 };
  }
}
