import type { Started } from "../factors/factor.js";
import { type Refusal, refuse } from "../reasons.js";
import { hashToken, newToken } from "../secrets.js";
import { attempt } from "./attempts.js";
import { type FlowDeps, type LoadedFlow, loadFlow, type Next } from "./flow.js";

// After Force New Password, whoever knows the old password could choose the new one. A
// user with an email address on file first proves it: a code sent there, judged by the
// same throttle rules as every code (attempts.ts), then on to the new password. The code
// is the email factor's (6 digits, single use, expiring, behind the send quotas), sent
// whether or not email is a second-factor method here.

/** The email factor, asked as if email were enabled: the proof does not depend on it. */
function proof(deps: FlowDeps, loaded: LoadedFlow) {
  const factor = deps.factors.codes.find((f) => f.id === "email");
  const ctx = { ...loaded, methods: ["email" as const] };
  return factor && factor.destination(ctx) !== undefined ? { factor, ctx } : undefined;
}

/**
 * Sends the code for the proof (from the POST that entered the step, or "Send a new
 * code"). Undefined when the flow is not at this step.
 */
export async function sendEmailProof(
  deps: FlowDeps,
  token: string | undefined,
  ip: string,
): Promise<Started | Refusal | undefined> {
  const loaded = await loadFlow(deps, token);
  if (loaded?.flow.state !== "prove_email") return undefined;
  const email = proof(deps, loaded);
  if (!email) return refuse("method_unavailable");
  return email.factor.start(email.ctx, ip);
}

/** Continue on the proof screen: the right code moves the flow on to the new password. */
export async function proveEmail(
  deps: FlowDeps,
  token: string | undefined,
  code: string,
  ip: string,
): Promise<Next | Refusal> {
  const loaded = await loadFlow(deps, token);
  if (!loaded) return refuse("expired");
  if (loaded.flow.state !== "prove_email") return refuse("wrong_step");
  const email = proof(deps, loaded);
  if (!email) return refuse("method_unavailable");
  const { factor, ctx } = email;
  return attempt(
    deps,
    loaded,
    {
      text: code,
      wellFormed: factor.accepts(code),
      prepare: async () => {
        const judge = await factor.prepare(ctx);
        return { judges: judge ? [judge] : [], faults: [] };
      },
      ip,
    },
    async () => {
      // A new cookie value for the next step, as at every step (flow.ts).
      const next = newToken(deps.random);
      const moved = await deps.stores.flows.advance(
        loaded.flow.idHash,
        "prove_email",
        "change_password",
        hashToken(next),
      );
      if (!moved) return refuse("expired");
      return { ok: true, kind: "flow", token: next, state: "change_password" };
    },
  );
}
