import { performance } from "node:perf_hooks";
import { CookieJar, csrfFrom, request } from "./http.js";

// Outcomes: ok | busy (503: the server turned the sign-in away, at whichever request) |
// code_refused (the server said the code was wrong — with known secrets only a
// step-timing slip of the generator, reported on its own) | error (anything else: 5xx,
// wrong status or redirect, network failure). A busy outcome carries the latency of
// the request that got the 503 and whether it said Retry-After.

const encode = encodeURIComponent;

/**
 * One Vestibule sign-in as a browser does it: GET /login → POST /login → GET
 * /login/verify → POST /login/verify with the current TOTP code → 303 to / with a
 * session cookie.
 */
export async function fullLogin(target, book, user, password) {
  const { pool } = target;
  const jar = new CookieJar();
  const t0 = performance.now();
  let what = "GET /login";
  let tStep = t0;
  try {
    let r = await request(pool, "GET", "/login", { jar, keepBody: true });
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
    const form = `_csrf=${csrfFrom(r.body)}&code=${book.code(user)}`;
    r = await request(pool, "POST", "/login/verify", { jar, form, keepBody: true });
    return verified(r, jar, t0, tStep);
  } catch (err) {
    return { kind: "error", detail: `${what}: ${err.message}`, ms: performance.now() - t0 };
  }
}

/** The TOTP step alone, for a pending sign-in prepared beforehand. */
export async function verifyOnly(target, book, user) {
  const { pool, signinCookie } = target;
  const flow = user.flows.pop();
  const jar = new CookieJar();
  jar.set(signinCookie, flow.token);
  const form = `_csrf=${flow.csrf}&code=${book.code(user)}`;
  const t0 = performance.now();
  try {
    const r = await request(pool, "POST", "/login/verify", { jar, form, keepBody: true });
    return verified(r, jar, t0, t0);
  } catch (err) {
    return {
      kind: "error",
      detail: `POST /login/verify: ${err.message}`,
      ms: performance.now() - t0,
    };
  }
}

function verified(r, jar, t0, tStep) {
  if (r.status === 303 && r.location === "/" && jar.has(SESSION)) {
    return { kind: "ok", ms: performance.now() - t0 };
  }
  if (r.status === 401 && r.body.includes("code is not valid")) {
    return { kind: "code_refused", ms: performance.now() - t0 };
  }
  return failed("POST /login/verify", r, t0, tStep);
}

const SESSION = "vst_session";

/** A 503 is the server turning the sign-in away (busy); anything else unexpected is an error. */
export function failed(what, r, t0, tStep) {
  const now = performance.now();
  if (r.status === 503) {
    return {
      kind: "busy",
      at: what,
      ms: now - t0,
      stepMs: now - tStep,
      retryAfter: r.retryAfter !== undefined,
      retryAfterSeconds: r.retryAfter === undefined ? undefined : Number(r.retryAfter),
    };
  }
  return {
    kind: "error",
    detail: `${what} → ${r.status}${r.location ? ` ${r.location}` : ""}`,
    ms: now - t0,
  };
}
