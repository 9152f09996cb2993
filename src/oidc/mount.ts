import type { IncomingMessage, ServerResponse } from "node:http";
import middie from "@fastify/middie";
import type { FastifyInstance } from "fastify";
import helmet from "helmet";
import type { KoaContextWithOIDC } from "oidc-provider";
import type { Oidc } from "./provider.js";

// The provider mounted the way its documentation and CI mount it in Fastify:
// @fastify/middie and app.use('/oidc', provider.callback()). The provider (a Koa app)
// answers every request under /oidc itself, so Fastify's hooks after onRequest (CSRF,
// error pages, onSend's no-store) never run there: this file sets what they would.

type Next = (err?: unknown) => void;
type MiddieRequest = IncomingMessage & { ip?: string };

/**
 * The provider builds every URL it emits (discovery, redirects, form actions) from the
 * request's host and protocol. Each request reaches it with Host and X-Forwarded-Proto
 * from PUBLIC_URL and X-Forwarded-For set to the address Fastify derived (which trusts
 * X-Forwarded-For only from TRUST_PROXY): whatever a client sends in Host,
 * X-Forwarded-Host or X-Forwarded-Proto never becomes a URL.
 */
function pinToPublicUrl(publicUrl: string) {
  const url = new URL(publicUrl);
  const proto = url.protocol.slice(0, -1);
  return (req: MiddieRequest, _res: ServerResponse, next: Next) => {
    req.headers.host = url.host;
    req.headers["x-forwarded-host"] = url.host;
    req.headers["x-forwarded-proto"] = proto;
    req.headers["x-forwarded-for"] = req.ip ?? req.socket.remoteAddress ?? "";
    delete req.headers.forwarded;
    next();
  };
}

/** Origins a page of this request may send a form (and its redirects) to. */
function formTargets(ctx: KoaContextWithOIDC): string[] {
  const client = (ctx as Partial<KoaContextWithOIDC>).oidc?.client;
  const uris = [...(client?.redirectUris ?? []), ...(client?.postLogoutRedirectUris ?? [])];
  const origins = uris.map((u) => URL.parse(u)?.origin).filter((o) => o && o !== "null");
  return [...new Set(origins as string[])];
}

/**
 * The provider's pages carry no script and no style of their own (pages.ts). It does
 * write one kind of page with an inline script, the auto-submitting form_post page, and
 * then adds that script's sha256 to script-src; only such hashes are kept. form-action
 * lists the client's registered origins: the logout confirmation's post and a form_post
 * answer end there, and Chromium checks form-action on each redirect after a post.
 */
function contentSecurityPolicy(secure: boolean) {
  const base = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    ...(secure ? ["upgrade-insecure-requests"] : []),
  ];
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    ctx.set("content-security-policy", [...base, "script-src 'none'"].join("; "));
    await next();
    const written = ctx.response.get("content-security-policy");
    const hashes = written.match(/'sha256-[A-Za-z0-9+/=]+'/g) ?? [];
    ctx.set(
      "content-security-policy",
      [
        ...base,
        `script-src ${hashes.length > 0 ? hashes.join(" ") : "'none'"}`,
        `form-action ${["'self'", ...formTargets(ctx)].join(" ")}`,
      ].join("; "),
    );
    // Codes, tokens and sign-out pages: nothing under /oidc belongs in a cache.
    ctx.set("cache-control", "no-store");
    // A fault on our side (the database away) is temporary, as everywhere in Vestibule:
    // 503 with Retry-After rather than the provider's 500; the body stays server_error.
    if (ctx.status === 500) {
      ctx.status = 503;
      ctx.set("retry-after", "5");
    }
  };
}

/** A Node request handler, as middie takes it. */
export type OidcHandler = (req: MiddieRequest, res: ServerResponse, next: Next) => void;

/** The provider's request handler with Vestibule's CSP, no-store and 503 added. Call once per provider. */
export function providerHandler(oidc: Oidc): OidcHandler {
  oidc.provider.use(contentSecurityPolicy(oidc.publicUrl.startsWith("https:")));
  const callback = oidc.provider.callback();
  return (req, res) => {
    void callback(req, res);
  };
}

/**
 * Mounts a handler at /oidc with the request pinned to PUBLIC_URL and helmet's headers:
 * `registerOidc` with the provider at hand, or system.ts with one loaded on first use (so
 * CLI commands never load oidc-provider).
 */
export async function mountOidc(
  app: FastifyInstance,
  publicUrl: string,
  handler: OidcHandler,
): Promise<void> {
  const secure = publicUrl.startsWith("https:");
  if (!app.hasDecorator("use")) await app.register(middie);
  // helmet's headers other than the CSP (set per answer by providerHandler).
  const headers = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: secure ? { maxAge: 31536000 } : false,
    referrerPolicy: { policy: "no-referrer" },
  });
  app.use("/oidc", pinToPublicUrl(publicUrl));
  app.use("/oidc", headers);
  app.use("/oidc", handler);
}

/** Mounts the provider at /oidc. Call once, beside the form pages. */
export async function registerOidc(app: FastifyInstance, oidc: Oidc): Promise<void> {
  await mountOidc(app, oidc.publicUrl, providerHandler(oidc));
}
