import type { AppFactor } from "./app.js";
import type { CodeFactor } from "./codes.js";
import type { Factor } from "./factor.js";
import type { RecoveryFactor } from "./recovery.js";

/**
 * The second factors of this installation, in the order an answer is judged and offered
 * (a code sent on this flow first, then the authenticator app). Pages find what to draw
 * by kind; the flow asks the authenticator whether it is set up.
 */
export interface Factors {
  all: readonly Factor[];
  /** The authenticator app: its set-up is a step of the sign-in (DESIGN §2). */
  app: AppFactor;
  /** Factors that send a code (email first, docs/codes.md). */
  codes: readonly CodeFactor[];
  /** Recovery codes (issue 11), when registered. */
  recovery: RecoveryFactor | undefined;
}

/** A new factor is one module and one entry in the list given here (src/system.ts). */
export function registerFactors(list: readonly Factor[]): Factors {
  const app = list.find((f): f is AppFactor => f.kind === "authenticator");
  if (!app) throw new Error("registerFactors: the authenticator app factor is required");
  const codes = list.filter((f): f is CodeFactor => f.kind === "code");
  const recovery = list.find((f): f is RecoveryFactor => f.kind === "lookup");
  return { all: list, app, codes, recovery };
}
