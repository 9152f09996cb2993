import type { FastifyRequest } from "fastify";
import type { User } from "../core/ports/users.js";
import { chooseLocale } from "../words/choose.js";
import { csrfToken, type WebKit } from "./http.js";
import type { PageContext } from "./pages.js";

/**
 * The one place a page's context is built: the installation's name and logo, the CSRF
 * token, who is signed in, and the reader's language — the signed-in user's choice, else
 * the browser's Accept-Language, else DEFAULT_LOCALE — with the installation's TIME_ZONE.
 */
export function pageContext(kit: WebKit, request: FastifyRequest, user?: User): PageContext {
  const locale = chooseLocale({
    chosen: user?.locale,
    acceptLanguage: request.headers["accept-language"],
    fallback: kit.defaultLocale,
  });
  const ctx: PageContext = {
    appName: kit.appName,
    csrf: csrfToken(kit, request),
    locale,
    timeZone: kit.timeZone,
    logoUrl: kit.logoUrl,
  };
  if (user) ctx.user = user;
  return ctx;
}

/** For an answer given before any hook ran (no cookies read): no form, no user. */
export function errorContext(kit: WebKit, request: FastifyRequest): PageContext {
  const locale = chooseLocale({
    acceptLanguage: request.headers["accept-language"],
    fallback: kit.defaultLocale,
  });
  return { appName: kit.appName, csrf: "", locale, timeZone: kit.timeZone, logoUrl: kit.logoUrl };
}
