import { dictionary } from "@zxcvbn-ts/language-common";
import type { PasswordHasher } from "./password.js";
import { type Refusal, refuse } from "./reasons.js";

// NIST SP 800-63B §3.1.1.2: a minimum length, a generous maximum, a check against
// known-compromised and common values, and no composition rules.
export interface PasswordRules {
  minLength: number;
  maxLength: number;
}

export const DEFAULT_PASSWORD_RULES: PasswordRules = { minLength: 12, maxLength: 128 };

// ~49,000 common passwords from zxcvbn-ts, shipped offline in the package.
const COMMON = new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}

/** Length in code points, so an emoji counts as one character as a person sees it. */
function lengthOf(password: string): number {
  return [...password.normalize("NFKC")].length;
}

export async function checkNewPassword(
  hasher: PasswordHasher,
  rules: PasswordRules,
  input: { password: string; username: string; oldPasswordHash?: string },
): Promise<{ ok: true } | Refusal> {
  const length = lengthOf(input.password);
  if (length < rules.minLength) return refuse("password_too_short");
  if (length > rules.maxLength) return refuse("password_too_long");
  if (input.password.trim().toLowerCase() === input.username.toLowerCase()) {
    return refuse("password_is_username");
  }
  if (isCommonPassword(input.password)) return refuse("password_common");
  if (input.oldPasswordHash && (await hasher.verify(input.oldPasswordHash, input.password))) {
    return refuse("password_is_old");
  }
  return { ok: true };
}
