import proxyAddr from "@fastify/proxy-addr";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  type ForwardVerdict,
  forwardSession,
  judgeForward,
  remoteIdentity,
} from "../core/forward-auth.js";
import type { User } from "../core/ports/users.js";
import { checkReturnAddress, type ReturnPolicy } from "../core/return-address.js";
import type { Core } from "../system.js";
import { t } from "../words/catalogue.js";
import { html } from "../words/html.js";
import { pageContext } from "./context.js";
import { sendPage, type WebKit } from "./http.js";
import { layout } from "./pages.js";

// Forward-auth for reverse proxies (issue 10 part 2, docs/integrate.md), mounted beside
// the form pages: no form parsing, no CSRF. A proxy asks before each request to an
// application it protects; the browser is known by its forward-auth cookie (web/
// forward-cookie.ts), which the proxy passes on with the request's other headers.
//   GET /auth/nginx    nginx auth_request: X-Original-URL, X-Original-Method;
//                      200, or 401 with Location to Login (nginx turns it into a redirect)
//   GET /auth/forward  Traefik ForwardAuth, Caddy forward_auth: X-Forwarded-Method,
//                      -Proto, -Host, -Uri; 200, or 302/303 to Login for a browser, 401
//                      for anything that does not accept HTML
// Both: 403 when signed in but the host is not open to the user's role.

export interface ForwardAuthDeps {
  kit: WebKit;
  core: Core;
  /** TRUST_PROXY: only these callers are answered. */
  trustProxy: string | false;
  publicUrl: string;
  returnPolicy: ReturnPolicy;
}

/**
 * Header values are Latin-1 on the wire: a name like "Zoë Łukasz" is sent as its UTF-8
 * bytes (what nginx, Traefik and Caddy pass on and applications decode), never refused.
 */
function headerValue(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === "string" ? value : "";
}

export function forwardAuthEndpoints(deps: ForwardAuthDeps) {
  const { kit, core, publicUrl } = deps;
  // Fastify's own TRUST_PROXY reading (a comma list of addresses, CIDRs and names).
  const trusted = deps.trustProxy
    ? proxyAddr.compile(deps.trustProxy.split(",").map((e) => e.trim()))
    : () => false;

  const loginUrl = (address: string): string => {
    const rd = checkReturnAddress(address, deps.returnPolicy);
    return rd ? `${publicUrl}/login?rd=${encodeURIComponent(rd)}` : `${publicUrl}/login`;
  };

  const judge = async (request: FastifyRequest, host: string): Promise<ForwardVerdict> =>
    judgeForward(core, await forwardSession(core, request.cookies[kit.names.forward]), host);

  /** 200 with all four headers, always: a proxy passing a client's own copies on is not fooled. */
  const pass = (reply: FastifyReply, user: User): FastifyReply => {
    const who = remoteIdentity(user);
    return reply
      .code(200)
      .header("remote-user", headerValue(who.user))
      .header("remote-name", headerValue(who.name))
      .header("remote-email", headerValue(who.email))
      .header("remote-groups", headerValue(who.groups))
      .send();
  };

  const forbidden = (request: FastifyRequest, reply: FastifyReply, user: User, host: string) => {
    const page = pageContext(kit, request);
    const title = t(page.locale, "forward.forbidden.title");
    // Shown at the application's address: the link leads back to Vestibule (to sign out).
    const body = html`<h1>${title}</h1><p>${t(page.locale, "forward.forbidden.text", { username: user.username, host })}</p><p><a href="${publicUrl}/">${t(page.locale, "nav.start_page")}</a></p>`;
    return sendPage(reply, layout(page, title, body), 403);
  };

  const misconfigured = (reply: FastifyReply, text: string) =>
    reply.code(400).type("text/plain; charset=utf-8").send(`${text}\n`);

  return async (app: FastifyInstance): Promise<void> => {
    app.addHook("onRequest", async (request, reply) => {
      if (trusted(request.socket.remoteAddress ?? "", 0)) return;
      return reply
        .code(403)
        .type("text/plain; charset=utf-8")
        .send("forward-auth answers only the proxies listed in TRUST_PROXY\n");
    });

    app.get("/auth/nginx", async (request, reply) => {
      const original = URL.parse(header(request, "x-original-url"));
      if (!original || (original.protocol !== "https:" && original.protocol !== "http:")) {
        return misconfigured(
          reply,
          "X-Original-URL must be the request's absolute URL: proxy_set_header X-Original-URL $scheme://$http_host$request_uri;",
        );
      }
      const verdict = await judge(request, original.hostname);
      if (verdict.kind === "allowed") return pass(reply, verdict.user);
      if (verdict.kind === "forbidden") {
        return forbidden(request, reply, verdict.user, original.hostname);
      }
      // nginx answers the browser with a redirect to this Location (error_page 401 =302).
      return reply.code(401).header("location", loginUrl(original.href)).send();
    });

    app.get("/auth/forward", async (request, reply) => {
      const proto = header(request, "x-forwarded-proto").toLowerCase();
      const host = header(request, "x-forwarded-host");
      const uri = header(request, "x-forwarded-uri") || "/";
      const method = (header(request, "x-forwarded-method") || "GET").toUpperCase();
      const original =
        (proto === "https" || proto === "http") && host !== "" && uri.startsWith("/")
          ? URL.parse(`${proto}://${host}${uri}`)
          : null;
      if (!original) {
        return misconfigured(
          reply,
          "X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Uri must describe the request (Traefik and Caddy send them)",
        );
      }
      const verdict = await judge(request, original.hostname);
      if (verdict.kind === "allowed") return pass(reply, verdict.user);
      if (verdict.kind === "forbidden") {
        return forbidden(request, reply, verdict.user, original.hostname);
      }
      // A browser is sent to sign in; a script or API client gets a plain 401.
      if (!/\btext\/html\b/i.test(header(request, "accept"))) return reply.code(401).send();
      const status = method === "GET" || method === "HEAD" ? 302 : 303;
      return reply.code(status).header("location", loginUrl(original.href)).send();
    });
  };
}
