import { Pool } from "undici";

/**
 * The load generator's HTTP: undici connection pools and as little parsing as a
 * browser-like client can get away with. Responses are read through `dispatch` with a
 * bare handler of undici's raw interface (onHeaders gets the header lines as buffers:
 * no header object, no stream per response); of the headers only Location,
 * Set-Cookie and Retry-After are looked at; the body is kept only when the caller
 * needs it (a form to scrape the CSRF token from), as latin1 (every byte we look for
 * is ASCII). Per-request timers are off (headersTimeout/bodyTimeout 0): each is a
 * timer set and cleared per request; a phase that hangs shows as a phase that does
 * not end, and the server's own timeouts still apply.
 */
export function createPool(base, connections) {
  return new Pool(`http://${base.host}:${base.port}`, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

/**
 * One request; resolves { status, location, retryAfter, body } and never rejects on an
 * HTTP status. `jar` (a CookieJar) sends and keeps cookies; `form` is an already
 * encoded urlencoded body, `json` a JSON string; `keepBody` keeps the body text of a
 * response that is not a redirect.
 */
export function request(pool, method, path, { jar, form, json, keepBody = false, headers } = {}) {
  const sent = headers ? [...headers] : [];
  if (jar?.size) sent.push("cookie", jar.header());
  let body = null;
  if (form !== undefined) {
    sent.push("content-type", FORM);
    body = form;
  } else if (json !== undefined) {
    sent.push("content-type", JSON_TYPE);
    body = json;
  }
  return new Promise((resolve, reject) => {
    pool.dispatch(
      { method, path, headers: sent, body },
      new Exchange(jar, keepBody, resolve, reject),
    );
  });
}

/** undici's raw handler interface (onConnect, onHeaders, onData, onComplete, onError). */
class Exchange {
  constructor(jar, keepBody, resolve, reject) {
    this.jar = jar;
    this.keepBody = keepBody;
    this.resolve = resolve;
    this.reject = reject;
    this.status = 0;
    this.location = undefined;
    this.retryAfter = undefined;
    this.chunks = undefined;
  }
  onConnect() {}
  onHeaders(status, raw) {
    this.status = status;
    if (status < 200) return true;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      // Only three names matter; their lengths rule out nearly every other header.
      if (name.length === 8 && lower(name) === "location") this.location = raw[i + 1].toString();
      else if (name.length === 10 && lower(name) === "set-cookie") {
        this.jar?.takeOne(raw[i + 1].toString("latin1"));
      } else if (name.length === 11 && lower(name) === "retry-after") {
        this.retryAfter = raw[i + 1].toString("latin1");
      }
    }
    if (this.keepBody && (status < 300 || status >= 400)) this.chunks = [];
    return true;
  }
  onData(chunk) {
    this.chunks?.push(chunk);
    return true;
  }
  onComplete() {
    const c = this.chunks;
    const body = !c
      ? ""
      : c.length === 1
        ? c[0].toString("latin1")
        : Buffer.concat(c).toString("latin1");
    this.resolve({
      status: this.status,
      location: this.location,
      retryAfter: this.retryAfter,
      body,
    });
  }
  onError(err) {
    this.reject(err);
  }
}

const lower = (name) => name.toString("latin1").toLowerCase();

/**
 * A browser's cookie store for one origin and one sign-in, reduced to what the sign-in
 * flows need: name=value pairs; a Set-Cookie with an empty value, Max-Age=0 or an
 * expiry in 1970 removes the cookie.
 */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
    this.cached = "";
  }
  get size() {
    return this.cookies.size;
  }
  set(name, value) {
    this.cookies.set(name, value);
    this.cached = undefined;
  }
  has(name) {
    return this.cookies.has(name);
  }
  header() {
    if (this.cached === undefined) {
      let text = "";
      for (const [k, v] of this.cookies) text += text ? `; ${k}=${v}` : `${k}=${v}`;
      this.cached = text;
    }
    return this.cached;
  }
  takeOne(line) {
    this.cached = undefined;
    const semi = line.indexOf(";");
    const pair = semi === -1 ? line : line.slice(0, semi);
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === "" || clears(line)) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

const clears = (line) => {
  const lower = line.toLowerCase();
  return lower.includes("max-age=0") || lower.includes("expires=thu, 01 jan 1970");
};

const CSRF = /name="_csrf" value="([^"]*)"/;

export function csrfFrom(page) {
  return CSRF.exec(page)?.[1] ?? "";
}
