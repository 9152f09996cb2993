import {
  type CodeFactor,
  type CodeFactorDeps,
  createCodeFactor,
  type DeliverCode,
} from "./codes.js";

/** A code by SMS, to the E.164 number on the account (no set-up needed). */
export function createSmsFactor(
  deps: CodeFactorDeps,
  deliver: DeliverCode | undefined,
): CodeFactor {
  return createCodeFactor("sms", deps, { contact: (user) => user.phone, deliver });
}
