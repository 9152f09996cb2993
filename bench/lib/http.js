import http from "node:http";

/**
 * A tiny browser over node:http: keep-alive connections, a cookie jar per sign-in,
 * and the CSRF token scraped from the form the server rendered.
 */
export function createAgent(maxSockets) {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  take(setCookie) {
    for (const line of setCookie ?? []) {
      const pair = line.split(";", 1)[0];
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // Clearing a cookie sets an empty value or an expiry in the past.
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) {
        this.cookies.delete(name);
      } else this.cookies.set(name, value);
    }
  }
}

/** One request; resolves { status, location, body } and never rejects on HTTP status. */
export function request(base, agent, method, path, { jar, form } = {}) {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers = {};
    if (jar?.cookies.size) headers.cookie = jar.header();
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers["content-length"] = Buffer.byteLength(body);
    }
    const req = http.request(
      { host: base.host, port: base.port, method, path, agent, headers },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          jar?.take(res.headers["set-cookie"]);
          resolve({
            status: res.statusCode,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error("request timed out after 60 s")));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function csrfFrom(page) {
  return /name="_csrf" value="([^"]*)"/.exec(page)?.[1] ?? "";
}
