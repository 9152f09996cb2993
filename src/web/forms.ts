import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { BUSY_RETRY_AFTER_MS } from "../core/password.js";
import type { ReturnPolicy } from "../core/return-address.js";
import type { Outbox } from "../delivery/outbox.js";
import type { Core } from "../system.js";
import { LOCALES, type Locale, t } from "../words/catalogue.js";
import { chooseLocale } from "../words/choose.js";
import { escapeHtml, type Html } from "../words/html.js";
import { pageContext } from "./context.js";
import { formTargets } from "./continuation.js";
import { csrfValid, sendPage, type WebKit } from "./http.js";
import type { LoadOidc } from "./oidc-seam.js";
import { errorPage, formExpiredPage, type PageContext } from "./pages.js";
import { registerAccountRoutes } from "./routes/account.js";
import { registerAccountRecoveryRoutes } from "./routes/account-recovery.js";
import { registerLanguageRoutes } from "./routes/language.js";
import { registerLoginRoutes } from "./routes/login.js";
import { registerOidcEntry } from "./routes/oidc-entry.js";
import { registerOutboxRoutes } from "./routes/outbox.js";

export interface FormPagesDeps {
  kit: WebKit;
  core: Core;
  /** The supervisor and administrator pages (staff-system.ts). */
  staff: (app: FastifyInstance) => void;
  homeLinks: (ctx: PageContext & { user: NonNullable<PageContext["user"]> }) => Html;
  /** The development outbox; present only outside production without providers. */
  outbox: Outbox | undefined;
  /** The OpenID Connect provider, loaded on first use (system.ts). */
  oidc: LoadOidc;
  /** Where forward-auth may send a browser after sign-in (`rd`). */
  returnPolicy: ReturnPolicy;
  /** The password hasher's slots and queue are full: the next hash would be refused. */
  hashSaturated?: () => boolean;
}

/**
 * The form pages, as one encapsulated plugin: it owns form parsing, the CSRF check on
 * every POST and the pages' CSP, so protocol endpoints (OpenID Connect, forward-auth, a
 * JSON API) can be mounted beside it without any of them.
 */
export function formPages(deps: FormPagesDeps) {
  const { kit } = deps;
  const images = logoOrigins(kit);
  const csp = pageCsp(kit.secure, [], images);
  return async (forms: FastifyInstance): Promise<void> => {
    // The form pages read urlencoded forms and nothing else: a JSON or text body (the
    // parsers the root instance has) is 415 before anything reads it (issue 14).
    forms.removeAllContentTypeParsers();
    await forms.register(formbody);
    forms.addHook("onRequest", async (request, reply) => {
      if (request.method !== "POST" || isFormPost(request.headers["content-type"])) return;
      const ctx = pageContext(kit, request);
      return sendPage(
        reply,
        errorPage(
          ctx,
          t(ctx.locale, "error.unsupported_type.title"),
          t(ctx.locale, "error.unsupported_type.text"),
        ),
        415,
      );
    });
    forms.addHook("onSend", async (request, reply, payload) => {
      // The busy answer above carries its CSP already: no flow to look up. (The root's
      // onSend, which runs first, gives every answer a CSP: the header cannot tell.)
      if (BUSY_PAGES.has(payload as string)) return payload;
      // A page whose form post can end at an application (an OpenID Connect client, a
      // forward-auth address) lists that origin in form-action: Chromium checks
      // form-action on every redirect after a form post (continuation.ts).
      const page = String(reply.getHeader("content-type") ?? "").startsWith("text/html");
      const targets = page ? await formTargets(deps, request) : [];
      reply.header(
        "content-security-policy",
        targets.length ? pageCsp(kit.secure, targets, images) : csp,
      );
      return payload;
    });
    forms.addHook("preHandler", async (request, reply) => {
      if (request.method !== "POST" || csrfValid(kit, request)) return;
      // A sign-in form whose pending sign-in is gone (its cookie expired with it): the
      // person is told on Login that the sign-in expired, not "reload the page". Nothing
      // is done for the request, so a forged post gains nothing either (issue 12).
      if (signInFormWithoutSignIn(kit, request))
        return reply.redirect("/login?notice=expired", 303);
      const ctx = pageContext(kit, request);
      return sendPage(reply, formExpiredPage(ctx), 403);
    });
    registerLoginRoutes(forms, {
      kit,
      core: deps.core,
      homeLinks: deps.homeLinks,
      outbox: deps.outbox !== undefined,
      oidc: deps.oidc,
      returnPolicy: deps.returnPolicy,
    });
    registerAccountRoutes(forms, { kit, core: deps.core });
    registerAccountRecoveryRoutes(forms, { kit, core: deps.core });
    registerOidcEntry(forms, { kit, core: deps.core, oidc: deps.oidc });
    registerLanguageRoutes(forms, { kit, core: deps.core });
    deps.staff(forms);
    if (deps.outbox) registerOutboxRoutes(forms, kit, deps.outbox);
  };
}

/** The forms of a pending sign-in's steps (a download of recovery codes is not one). */
const FLOW_STEP_POSTS: ReadonlySet<string> = new Set([
  "/login/prove-email",
  "/login/prove-email/send",
  "/login/new-password",
  "/login/setup",
  "/login/verify",
  "/login/code",
  "/login/cancel",
]);

/**
 * A post from a step of a sign-in (after Login) by a browser that holds neither a
 * session nor a pending sign-in: the token was bound to a flow cookie that expired. A
 * browser that still holds a cookie with another token (a second tab after the cookie
 * rotated, a forgery) keeps the 403.
 */
function signInFormWithoutSignIn(kit: WebKit, request: FastifyRequest): boolean {
  if (!FLOW_STEP_POSTS.has(request.url.split("?")[0] ?? "")) return false;
  const c = request.cookies;
  return !c[kit.names.session] && !c[kit.names.signin];
}

/** Where LOGO_URL's image comes from: the one origin img-src adds beside our own. */
export function logoOrigins(kit: Pick<WebKit, "logoUrl">): string[] {
  return kit.logoUrl ? [new URL(kit.logoUrl).origin] : [];
}

/**
 * A flood of sign-ins beyond the hasher's cap: a password step now could only be refused
 * as busy, so it is refused before anything is spent on it — the form is not read or
 * parsed, no CSRF check, no limiter, no store, no page rendered (issue 13). No attempt is
 * counted: the person did nothing wrong. The Login page itself is turned away too (its
 * form could only be refused), except for a signed-in browser (forward-auth's `rd` sends
 * it on without a password). The later steps go on: a person past the password finishes.
 *
 * Registered on the root before every other onRequest hook, so a refusal parses no
 * cookie (the session cookie's presence is read from the raw header), runs no helmet
 * and no middleware: its headers are made once. It is logged at debug, not info (a line
 * per refusal would be most of a flood's cost; vestibule_unavailable_total counts them).
 */
export function turnAwayWhenBusy(
  app: FastifyInstance,
  kit: WebKit,
  saturated: (() => boolean) | undefined,
  /** helmet's headers (app.ts), which the hook it runs before would have set. */
  securityHeaders: Record<string, string> = {},
): void {
  if (!saturated) return;
  const headers = {
    ...securityHeaders,
    "retry-after": BUSY_RETRY_SECONDS,
    "content-security-policy": pageCsp(kit.secure),
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
  const session = `${kit.names.session}=`;
  app.addHook("onRequest", (request, reply, done) => {
    if (request.routeOptions.url !== "/login" || !saturated()) return done();
    if (request.method !== "POST" && hasCookie(request.headers.cookie, session)) return done();
    request.quietLog = true;
    reply.code(503).headers(headers).send(busyPage(kit, request));
  });
}

/** Whether a Cookie header holds a cookie named so (`prefix` is the name and "="). */
export function hasCookie(header: string | undefined, prefix: string): boolean {
  if (!header) return false;
  for (const part of header.split(";")) if (part.trimStart().startsWith(prefix)) return true;
  return false;
}

/** Seconds a browser turned away by a full hasher is asked to wait (Retry-After). */
const BUSY_RETRY_SECONDS = Math.ceil(BUSY_RETRY_AFTER_MS / 1000);

/** The busy answer, made once per language: a tiny page, the busy words. */
const BUSY_PAGE: Record<Locale, string> = Object.fromEntries(
  LOCALES.map((locale) => [
    locale,
    `<!doctype html><html lang="${locale}"><meta charset="utf-8"><title>${escapeHtml(
      t(locale, "error.unavailable.title"),
    )}</title><p>${escapeHtml(t(locale, "reason.busy"))}</p></html>`,
  ]),
) as Record<Locale, string>;
const BUSY_PAGES: ReadonlySet<string> = new Set(Object.values(BUSY_PAGE));

/** The busy page in the browser's language (no store is read: the answer stays cheap). */
function busyPage(kit: WebKit, request: FastifyRequest): string {
  const acceptLanguage = request.headers["accept-language"];
  return BUSY_PAGE[chooseLocale({ acceptLanguage, fallback: kit.defaultLocale })];
}

/** application/x-www-form-urlencoded, with or without parameters (a charset). */
export function isFormPost(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded";
}

/**
 * No script at all, styles, fonts and images from us only, forms posting only to us (and
 * the origin a sign-in ends at, continuation.ts), never framed, no plugins. Computed once
 * for the usual case. The directives and their order are helmet's defaults merged with
 * ours, as before the pages had a plugin.
 */
export function pageCsp(
  secure: boolean,
  formTargets: readonly string[] = [],
  imageOrigins: readonly string[] = [],
): string {
  return [
    "default-src 'none'",
    "base-uri 'none'",
    "font-src 'self' https: data:",
    ["form-action 'self'", ...formTargets].join(" "),
    "frame-ancestors 'none'",
    ["img-src 'self' data:", ...imageOrigins].join(" "),
    "object-src 'none'",
    "script-src 'none'",
    "script-src-attr 'none'",
    "style-src 'self'",
    // Over plain http (development) upgrading would break every form post.
    ...(secure ? ["upgrade-insecure-requests"] : []),
  ].join(";");
}
