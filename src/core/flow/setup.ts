import type { Started } from "../factors/factor.js";
import type { Refusal } from "../reasons.js";
import { refuse } from "../reasons.js";
import { attempt } from "./attempts.js";
import { type FlowDeps, type LoadedFlow, loadFlow, type Next } from "./flow.js";

/** The set-up screen's key (Show QR code); the same key on every view of this flow. */
export async function showSetupKey(
  deps: FlowDeps,
  loaded: LoadedFlow,
  ip: string,
): Promise<Started | Refusal> {
  return deps.factors.app.start(loaded, ip);
}

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
  if (flow.state !== "setup_app") return refuse("wrong_step");
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
    async () => ({ ok: true, kind: "ended", continuation: flow.continuation }),
  );
}
