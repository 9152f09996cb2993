import type { FastifyRequest } from "fastify";
import type { User } from "../core/ports/users.js";
import { csrfToken, type WebKit } from "./http.js";
import type { PageContext } from "./pages.js";

/** The one place a page's context is built: the installation's name, the CSRF token, who is signed in. */
export function pageContext(kit: WebKit, request: FastifyRequest, user?: User): PageContext {
  const ctx: PageContext = { appName: kit.appName, csrf: csrfToken(kit, request) };
  if (user) ctx.user = user;
  return ctx;
}
