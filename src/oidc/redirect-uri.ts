// Where the provider may send a browser back to. The provider compares redirect_uri
// with the registered strings exactly; these rules decide what may be registered.

export type UriCheck = { ok: true } | { ok: false; reason: string };

const MAX_URI_LENGTH = 2000;

/** localhost, 127.0.0.0/8 and [::1]: the application runs on the user's own machine. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * An absolute https URI (http only on a loopback host), without a fragment (OAuth 2.0
 * §3.1.2), without a user name or password, and without wildcards: an open pattern
 * would let anyone on a matching host receive codes.
 */
export function checkRedirectUri(uri: string): UriCheck {
  if (uri.length === 0 || uri.length > MAX_URI_LENGTH) {
    return { ok: false, reason: `must be 1-${MAX_URI_LENGTH} characters` };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) {
    return { ok: false, reason: "must not contain spaces or control characters" };
  }
  if (uri.includes("*")) return { ok: false, reason: "must not contain wildcards (*)" };
  if (uri.includes("#")) return { ok: false, reason: "must not contain a fragment (#)" };
  const url = URL.parse(uri);
  if (!url) return { ok: false, reason: "is not an absolute URI" };
  if (url.username || url.password) {
    return { ok: false, reason: "must not contain a user name or password" };
  }
  if (url.protocol === "https:" && url.hostname) return { ok: true };
  if (url.protocol === "http:" && isLoopback(url.hostname)) return { ok: true };
  return { ok: false, reason: "must be https:// (or http:// on localhost, 127.0.0.1 or [::1])" };
}
