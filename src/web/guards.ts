import type { FastifyReply, FastifyRequest } from "fastify";
import type { Session } from "../core/ports/sessions.js";
import type { User } from "../core/ports/users.js";
import { currentSession, type SessionDeps } from "../core/sessions.js";
import { isAdministrator, isSupervisor } from "../core/supervision.js";
import { pageContext } from "./context.js";
import { csrfValid, sendPage, type WebKit } from "./http.js";
import { formExpiredPage, type PageContext } from "./pages.js";
import { forbiddenPage } from "./pages-admin.js";

export type StaffRole = "supervisor" | "administrator";

export interface GuardDeps {
  kit: WebKit;
  core: Pick<SessionDeps, "stores" | "clock" | "rules">;
}

/** A signed-in person's page context, with the session that proves it. */
export type UserContext = PageContext & { user: User; session: Session };

/**
 * Every page for a signed-in person starts here. Only a session proves both factors (a
 * flow's cookie is not one); the account is read from the store on this request; a POST
 * carries the CSRF token bound to that session. Answers for the route (redirect to Login,
 * 403) and returns undefined when the request may not go on.
 */
export async function requireUser(
  deps: GuardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<UserContext | undefined> {
  const { kit } = deps;
  const signedIn = await currentSession(deps.core, request.cookies[kit.names.session]);
  if (!signedIn) {
    await reply.redirect("/login", 303);
    return undefined;
  }
  request.userId = signedIn.user.id;
  const ctx: UserContext = { ...pageContext(kit, request, signedIn.user), ...signedIn };
  // The forms plugin checks CSRF on every POST already; checked again so these routes
  // never rely on hook order.
  if (request.method !== "GET" && request.method !== "HEAD" && !csrfValid(kit, request)) {
    await sendPage(reply, formExpiredPage(ctx), 403);
    return undefined;
  }
  return ctx;
}

/** Every supervisor and administrator page starts here: requireUser, then the role. */
export async function requireStaff(
  deps: GuardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  role: StaffRole,
): Promise<UserContext | undefined> {
  const ctx = await requireUser(deps, request, reply);
  if (!ctx) return undefined;
  const allowed = role === "administrator" ? isAdministrator(ctx.user) : isSupervisor(ctx.user);
  if (!allowed) {
    await sendPage(reply, forbiddenPage(ctx), 403);
    return undefined;
  }
  return ctx;
}
