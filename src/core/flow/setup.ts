import type { Refusal } from "../reasons.js";
import { refuse } from "../reasons.js";
import { issueRecoveryCodes } from "../recovery-codes.js";
import { attempt } from "./attempts.js";
import { type FlowDeps, type LoadedFlow, loadFlow, type Next } from "./flow.js";

/**
 * Save on the set-up screen. A valid code confirms the authenticator (and uses its time
 * step) and ends the flow: the person signs in again (the article's "you will be
 * prompted to sign in again").
 */
export async function confirmSetup(
  deps: FlowDeps,
  token: string | undefined,
  code: string,
  ip: string,
): Promise<Next | Refusal> {
  const loaded = await loadFlow(deps, token);
  if (!loaded) return refuse("expired");
  const { flow } = loaded;
  // A sign-in's set-up; an enrolment from the account page confirms elsewhere.
  if (flow.state !== "setup_app" || flow.purpose !== "signin") return refuse("wrong_step");
  const app = deps.factors.app;
  return attempt(
    deps,
    loaded,
    {
      text: code,
      wellFormed: app.accepts(code),
      prepare: async () => {
        const judge = await app.prepareEnrolment(loaded, ip);
        return typeof judge === "function" ? { judges: [judge], faults: [] } : judge;
      },
      ip,
    },
    // authenticator_added was written with the authenticator (factors/app.ts).
    async () => ({
      ok: true,
      kind: "ended",
      continuation: flow.continuation,
      ...(await firstRecoveryCodes(deps, loaded, ip)),
    }),
  );
}

/**
 * The first set of recovery codes, made right after Save (issue 11) when the factor is
 * registered. The app is confirmed already: if the codes cannot be made now (the hasher
 * busy, the store away), the set-up still succeeded and the account page makes them later.
 */
async function firstRecoveryCodes(
  deps: FlowDeps,
  loaded: LoadedFlow,
  ip: string,
): Promise<{ recoveryCodes?: string[] }> {
  if (!deps.factors.recovery) return {};
  try {
    return { recoveryCodes: await issueRecoveryCodes(deps, loaded.user, { ip, via: "setup" }) };
  } catch {
    return {};
  }
}
