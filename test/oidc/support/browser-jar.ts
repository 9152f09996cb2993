// A minimal "browser" over fetch for the provider tests: a cookie jar (name, path
// prefix, expiry by Max-Age=0/Expires in the past), redirects followed by hand so each
// hop can be checked, and PUBLIC_URL mapped to the loopback server it really is.

import { request as httpRequest } from "node:http";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * fetch() over node:http for the "browser": undici's fetch replaces a Host header with
 * the target's, and the tests need to send a hostile one. Redirects are never followed.
 */
export function rawFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input.toString());
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const body = init.body === undefined || init.body === null ? undefined : String(init.body);
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : [value ?? ""])
            responseHeaders.append(name, v);
        }
        const status = res.statusCode ?? 500;
        const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(payload, { status, headers: responseHeaders }));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A fetch that sends requests for `publicUrl` to `realUrl` (as a DNS entry would). */
export function mappedFetch(publicUrl: string, realUrl: string, transport: Fetch = fetch): Fetch {
  return (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input.toString();
    const mapped = url.startsWith(publicUrl) ? realUrl + url.slice(publicUrl.length) : url;
    return request ? transport(new Request(mapped, request), init) : transport(mapped, init);
  };
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

export class CookieBrowser {
  readonly cookies = new Map<string, Cookie>();

  constructor(
    private readonly fetchFn: Fetch,
    private readonly origin: string,
  ) {}

  private cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => pathMatches(url.pathname, c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  private store(response: Response, url: URL): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";").map((p) => p.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = url.pathname;
      let expired = value === "";
      for (const attribute of attributes) {
        const [key = "", v = ""] = attribute.split("=");
        if (key.toLowerCase() === "path") path = v;
        if (key.toLowerCase() === "max-age" && Number(v) <= 0) expired = true;
        if (key.toLowerCase() === "expires" && Date.parse(v) <= Date.now()) expired = true;
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { name, value, path });
    }
  }

  /** One request, no redirect followed. */
  async request(target: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(target, this.origin);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set("cookie", cookie);
    const response = await this.fetchFn(url, { ...init, headers, redirect: "manual" });
    this.store(response, url);
    return response;
  }

  /** Follows redirects until `stop(url)` says so (the application's callback) or a page answers. */
  async follow(
    target: string,
    stop: (url: URL) => boolean,
  ): Promise<{ url: URL; response?: Response }> {
    let url = new URL(target, this.origin);
    for (let hop = 0; hop < 10; hop++) {
      if (stop(url)) return { url };
      const response = await this.request(url.toString());
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { url, response };
      url = new URL(location, url);
    }
    throw new Error(`too many redirects from ${target}`);
  }
}
