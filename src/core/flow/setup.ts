import type { Refusal } from "../reasons.js";
import { refuse } from "../reasons.js";
import { attempt } from "./attempts.js";
import { type FlowDeps, loadFlow, type Next } from "./flow.js";

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
    async () => ({ ok: true, kind: "ended", continuation: flow.continuation }),
  );
}
