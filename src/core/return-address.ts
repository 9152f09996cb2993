// Where forward-auth may send a browser after sign-in (`rd`). An open redirect on the
// sign-in service is a phishing tool, so the address is checked before it is stored on a
// flow and again before it is followed: absolute http(s) only, no user info, no
// backslash or control character (browsers read `https:/\evil.com` as evil.com), and
// the host is the cookie domain or a dot-bounded subdomain of it — the hosts where the
// forward-auth cookie can be read at all.

export interface ReturnPolicy {
  /** FORWARD_AUTH_COOKIE_DOMAIN without its leading dot; undefined on a trial (one host). */
  cookieDomain: string | undefined;
  /** PUBLIC_URL's host name: the only host allowed without a cookie domain. */
  publicHost: string;
  /** Outside production `http://` is allowed to a loopback host (a trial on one machine). */
  allowHttpLoopback: boolean;
}

const MAX_LENGTH = 2048;

/** Printable ASCII without the backslash: a proxy sends URLs percent-encoded. */
const PLAIN = /^[\x21-\x5b\x5d-\x7e]+$/;
/** An explicit scheme and authority: `//evil.com` and `https:evil.com` are not. */
const ABSOLUTE = /^https?:\/\/[^/?#]/i;

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** True when `hostname` is `domain` itself or ends in `.domain` (never `evildomain`). */
export function withinDomain(hostname: string, domain: string): boolean {
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/** The address to follow, normalised by the URL parser, or undefined when it is refused. */
export function checkReturnAddress(raw: string, policy: ReturnPolicy): string | undefined {
  if (raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  if (!PLAIN.test(raw) || !ABSOLUTE.test(raw)) return undefined;
  const url = URL.parse(raw);
  if (url === null) return undefined;
  if (url.username !== "" || url.password !== "") return undefined;
  const host = url.hostname;
  const secure = url.protocol === "https:";
  const devHttp = url.protocol === "http:" && policy.allowHttpLoopback && isLoopbackHost(host);
  if (!secure && !devHttp) return undefined;
  // A trailing dot names the same host by another spelling; nobody needs it here.
  if (host === "" || host.endsWith(".")) return undefined;
  const allowed = policy.cookieDomain
    ? withinDomain(host, policy.cookieDomain)
    : host === policy.publicHost;
  return allowed ? url.href : undefined;
}
