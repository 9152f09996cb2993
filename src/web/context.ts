import type { FastifyRequest } from "fastify";
import type { User } from "../core/ports/users.js";
import { csrfToken, type WebKit } from "./http.js";
import type { PageContext } from "./pages.js";

/**
 * The one place a page's context is built: the installation's name, the CSRF token, the
 * reader's language (English until the languages are chosen per request), who is signed in.
 */
export function pageContext(kit: WebKit, request: FastifyRequest, user?: User): PageContext {
  const ctx: PageContext = { appName: kit.appName, csrf: csrfToken(kit, request), locale: "en" };
  if (user) ctx.user = user;
  return ctx;
}
