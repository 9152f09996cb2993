import type { FastifyReply } from "fastify";
import { startStepUp } from "../core/flow/flow.js";
import { getEnabledMethods } from "../core/policy.js";
import { needsStepUp } from "../core/step-up.js";
import type { Core } from "../system.js";
import type { UserContext } from "./guards.js";
import { setCookie, type WebKit } from "./http.js";

/**
 * Before a sensitive change: true when the session's second factor is fresh (the route
 * goes on); otherwise a step-up flow starts (DESIGN §2, purpose `step-up`) and the browser
 * goes to the verification screen, then back to `returnTo` — a GET page of ours, since a
 * form's POST cannot be replayed. A POST handler calls this again before it changes
 * anything.
 */
export async function requireFreshProof(
  deps: { kit: WebKit; core: Core },
  reply: FastifyReply,
  ctx: UserContext,
  returnTo: string,
): Promise<boolean> {
  const { kit, core } = deps;
  const methods = await getEnabledMethods(core.stores.settings);
  if (!needsStepUp(ctx.session, methods, core.clock.now())) return true;
  if (!returnTo.startsWith("/") || returnTo.startsWith("//")) {
    throw new Error(`step-up return address must be a path of ours (got "${returnTo}")`);
  }
  const token = await startStepUp(
    core,
    { sessionIdHash: ctx.session.idHash, userId: ctx.user.id },
    { kind: "path", path: returnTo },
  );
  setCookie(kit, reply, kit.names.signin, token, Math.floor(core.rules.flowTtlMs / 1000));
  await reply.redirect("/login/verify", 303);
  return false;
}
