import type { FastifyReply, FastifyRequest } from "fastify";
import { findFlow } from "../core/flow/flow.js";
import type { Continuation, Flow } from "../core/ports/flows.js";
import type { SignedIn } from "../core/sessions.js";
import type { Core } from "../system.js";
import { t } from "../words/catalogue.js";
import { pageContext } from "./context.js";
import { sendPage, type WebKit } from "./http.js";
import type { LoadOidc } from "./oidc-seam.js";
import { errorPage } from "./pages.js";

// Where a flow's end sends the browser (its continuation, DESIGN §2): Vestibule's home or
// one of its pages, an application through the OpenID Connect provider, or a forward-auth
// return address. And the origin that leaves Vestibule for, which the pages' CSP
// form-action must list: Chromium checks form-action on every redirect after a form post.

export interface ContinuationDeps {
  kit: WebKit;
  core: Core;
  oidc: LoadOidc;
}

/** The origin outside Vestibule a continuation ends at, if any. */
export async function continuationOrigin(
  deps: Pick<ContinuationDeps, "oidc">,
  continuation: Continuation,
): Promise<string | undefined> {
  if (continuation.kind === "forward") return URL.parse(continuation.url)?.origin;
  if (continuation.kind !== "oidc") return undefined;
  const details = await (await deps.oidc()).byUid(continuation.uid);
  return details && details.redirectOrigin !== "null" ? details.redirectOrigin : undefined;
}

/** The flow a route read for this request (by its cookie), so the page's CSP need not. */
const readFlows = new WeakMap<FastifyRequest, Flow>();

/** Notes the flow behind this request's sign-in cookie, as a route just read it. */
export function noteFlow(request: FastifyRequest, flow: Flow): void {
  readFlows.set(request, flow);
}

/**
 * Origins the page answering this request may post forms towards: the one its browser's
 * flow ends at (a flow's continuation never changes, so the row a route read will do). A
 * failed lookup (the store away) leaves only 'self': the page still works, the final
 * redirect would be refused by the browser rather than the page fail.
 */
export async function formTargets(
  deps: Pick<ContinuationDeps, "kit" | "core" | "oidc">,
  request: FastifyRequest,
): Promise<string[]> {
  try {
    const flow =
      readFlows.get(request) ?? (await findFlow(deps.core, request.cookies[deps.kit.names.signin]));
    const origin = flow && (await continuationOrigin(deps, flow.continuation));
    return origin ? [origin] : [];
  } catch {
    return [];
  }
}

/**
 * Sends a signed-in browser where its flow was going. A forward-auth address goes through
 * Login again (`/login?rd=`), which checks it, sets the forward-auth cookie and redirects;
 * an OpenID Connect interaction is finished with the session's proof.
 */
export async function leave(
  deps: ContinuationDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  continuation: Continuation,
  signedIn: SignedIn | undefined,
): Promise<FastifyReply> {
  switch (continuation.kind) {
    case "home":
      return reply.redirect("/", 303);
    case "path":
      return reply.redirect(continuation.path, 303);
    case "forward":
      return reply.redirect(`/login?rd=${encodeURIComponent(continuation.url)}`, 303);
    case "oidc": {
      if (!signedIn) return reply.redirect("/", 303);
      const finished = await (await deps.oidc()).finishLogin(continuation.uid, {
        accountId: signedIn.user.id,
        amr: signedIn.session.amr,
        authTimeMs: signedIn.session.authTime,
      });
      if (finished.ok) return reply.redirect(finished.redirectTo, 303);
      const page = pageContext(deps.kit, request);
      return sendPage(
        reply,
        errorPage(page, t(page.locale, "oidc.expired.title"), t(page.locale, "oidc.expired.text")),
        400,
      );
    }
  }
}
