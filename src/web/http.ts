import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import { hmacHex, safeEqual } from "../core/secrets.js";
import type { Html } from "../words/html.js";

export interface CookieNames {
  session: string;
  signin: string;
  pre: string;
  /** Forward-auth: on the cookie domain when there is one (web/forward-cookie.ts). */
  forward: string;
  /** OWASP's device cookie: this browser signed in before (core/device-cookie.ts). */
  device: string;
  /** Issue 11: a remembered device's token (core/remembered-devices.ts). */
  remember: string;
}

/**
 * Over https the __Host- prefix pins cookies to this host, path / and Secure. The
 * forward-auth cookie may carry a Domain, which __Host- forbids: __Secure- there.
 */
export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? "__Host-" : "";
  return {
    session: `${prefix}vst_session`,
    signin: `${prefix}vst_signin`,
    pre: `${prefix}vst_pre`,
    forward: `${secure ? "__Secure-" : ""}vst_forward`,
    device: `${prefix}vst_device`,
    remember: `${prefix}vst_remember`,
  };
}

export interface WebKit {
  names: CookieNames;
  secure: boolean;
  csrfKey: Buffer;
  appName: string;
  /** FORWARD_AUTH_COOKIE_DOMAIN without its dot; undefined: the forward cookie is host-only. */
  forwardCookieDomain: string | undefined;
}

export function setCookie(
  kit: WebKit,
  reply: FastifyReply,
  name: string,
  value: string,
  maxAgeSeconds?: number,
): void {
  reply.setCookie(name, value, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: kit.secure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  });
}

export function clearCookie(kit: WebKit, reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: "/", httpOnly: true, sameSite: "lax", secure: kit.secure });
}

/**
 * CSRF tokens are an HMAC of the most privileged cookie the browser holds (session,
 * then pending sign-in, then a pre-sign-in cookie), so a token is worthless without
 * the cookie it was made for, and a new one follows every rotation.
 */
export function csrfBinding(kit: WebKit, request: FastifyRequest): string | undefined {
  const c = request.cookies;
  const session = c[kit.names.session];
  if (session) return `s:${session}`;
  const signin = c[kit.names.signin];
  if (signin) return `c:${signin}`;
  const pre = c[kit.names.pre];
  return pre ? `p:${pre}` : undefined;
}

export function csrfToken(kit: WebKit, request: FastifyRequest): string {
  const binding = csrfBinding(kit, request);
  return binding ? hmacHex(kit.csrfKey, binding) : "";
}

export function csrfValid(kit: WebKit, request: FastifyRequest): boolean {
  const binding = csrfBinding(kit, request);
  const sent = formField(request, "_csrf");
  return binding !== undefined && sent !== "" && safeEqual(sent, hmacHex(kit.csrfKey, binding));
}

/**
 * A string field from a urlencoded form; anything else (arrays, missing) is "". How long a
 * value may be is the core's rule (a password's 128 characters, a display name's 100), so
 * an over-long value reaches it and is refused as too long; the body limit (app.ts) bounds
 * what arrives. Only a field whose over-long value can mean nothing (a 6-digit code, a
 * method's name) passes `maxLength`: beyond it the value is "".
 */
export function formField(
  request: FastifyRequest,
  name: string,
  maxLength = Number.POSITIVE_INFINITY,
): string {
  const body = request.body;
  if (!body || typeof body !== "object") return "";
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" && value.length <= maxLength ? value : "";
}

export function queryField(request: FastifyRequest, name: string): string {
  const q = request.query as Record<string, unknown> | undefined;
  const value = q?.[name];
  return typeof value === "string" ? value : "";
}

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(page.value);
}
