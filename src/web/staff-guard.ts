import type { FastifyReply, FastifyRequest } from "fastify";
import type { SignInDeps } from "../core/signin.js";
import { currentUser } from "../core/signin.js";
import { isAdministrator, isSupervisor } from "../core/supervision.js";
import { t } from "../words/catalogue.js";
import { csrfToken, csrfValid, sendPage, type WebKit } from "./http.js";
import { errorPage } from "./pages.js";
import { forbiddenPage } from "./pages-admin.js";
import type { StaffContext } from "./pages-users.js";

export type StaffRole = "supervisor" | "administrator";

export interface GuardDeps {
  kit: WebKit;
  core: Pick<SignInDeps, "store" | "clock">;
}

/**
 * Every supervisor and administrator route starts here. Only a session proves both
 * factors (a pending sign-in's cookie is not one); the account and its role are read
 * from the store on this request; a POST carries the CSRF token bound to that session.
 * Answers for the route (redirect, 403) and returns undefined when the request may not go on.
 */
export async function requireStaff(
  deps: GuardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  role: StaffRole,
): Promise<StaffContext | undefined> {
  const { kit } = deps;
  const user = await currentUser(deps.core, request.cookies[kit.names.session]);
  if (!user) {
    await reply.redirect("/login", 303);
    return undefined;
  }
  const ctx: StaffContext = {
    appName: kit.appName,
    csrf: csrfToken(kit, request),
    locale: "en",
    user,
  };
  // app.ts checks CSRF on every POST already; checked again so these routes never rely on hook order.
  if (request.method !== "GET" && request.method !== "HEAD" && !csrfValid(kit, request)) {
    await sendPage(
      reply,
      errorPage(
        ctx,
        t(ctx.locale, "error.form_expired.title"),
        t(ctx.locale, "error.form_expired.text"),
      ),
      403,
    );
    return undefined;
  }
  const allowed = role === "administrator" ? isAdministrator(user) : isSupervisor(user);
  if (!allowed) {
    await sendPage(reply, forbiddenPage(ctx), 403);
    return undefined;
  }
  return ctx;
}
