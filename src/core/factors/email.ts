import {
  type CodeFactor,
  type CodeFactorDeps,
  createCodeFactor,
  type DeliverCode,
} from "./codes.js";

/** A code by email, to the address on the account (no set-up needed). */
export function createEmailFactor(
  deps: CodeFactorDeps,
  deliver: DeliverCode | undefined,
): CodeFactor {
  return createCodeFactor("email", deps, { contact: (user) => user.email, deliver });
}
