import type { AppFactor } from "./app.js";
import type { CodeFactor } from "./codes.js";
import type { Factor, FactorId } from "./factor.js";

/**
 * The second factors of this installation, in the order an answer is judged and offered:
 * a code sent on this flow first, then the authenticator app. A new factor is one module
 * and one entry here.
 */
export interface Factors {
  all: readonly Factor[];
  app: AppFactor;
  /** Factors that send a code (email first, docs/codes.md). */
  codes: readonly CodeFactor[];
}

export function registerFactors(parts: {
  email: CodeFactor;
  sms: CodeFactor;
  app: AppFactor;
}): Factors {
  const codes = [parts.email, parts.sms];
  return { all: [...codes, parts.app], app: parts.app, codes };
}

export function findFactor(factors: Factors, id: string): Factor | undefined {
  return factors.all.find((f) => f.id === (id as FactorId));
}
