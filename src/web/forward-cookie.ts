import type { FastifyReply } from "fastify";
import type { WebKit } from "./http.js";

// The forward-auth cookie: its own token naming the browser's Vestibule session (core/
// forward-auth.ts), on FORWARD_AUTH_COOKIE_DOMAIN so the proxies in front of every
// application on the domain receive it; host-only without one (a trial on one machine).
// Never the session cookie itself: every application on the domain can read this one,
// and it must not open Vestibule's own pages.

function options(kit: WebKit) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: kit.secure,
    ...(kit.forwardCookieDomain ? { domain: kit.forwardCookieDomain } : {}),
  };
}

export function setForwardCookie(kit: WebKit, reply: FastifyReply, token: string): void {
  reply.setCookie(kit.names.forward, token, options(kit));
}

export function clearForwardCookie(kit: WebKit, reply: FastifyReply): void {
  reply.clearCookie(kit.names.forward, options(kit));
}
