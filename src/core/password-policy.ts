import { normalizePassword, type PasswordHasher } from "./password.js";
import { loadPasswordStrength, type Weakness } from "./password-strength.js";
import type { User } from "./ports/users.js";
import { type Refusal, refuse } from "./reasons.js";

// NIST SP 800-63B-4 §3.1.1.2: a minimum length (15 when the password is the only factor,
// 8 or more otherwise; we ask 12), a generous maximum, a check against common, breached
// and context-specific values, and no composition rules.
export interface PasswordRules {
  /** With a second factor enabled for the installation. */
  minLength: number;
  /** When the installation has no second factor, so the password stands alone. */
  singleFactorMinLength: number;
  /** In code points after NFKC. */
  maxLength: number;
  /** Words of this installation that make a password guessable (APP_NAME). */
  contextWords: readonly string[];
}

export const DEFAULT_PASSWORD_RULES: PasswordRules = {
  minLength: 12,
  singleFactorMinLength: 15,
  maxLength: 128,
  contextWords: ["Vestibule"],
};

export type PasswordRefusalReason =
  | "password_too_short"
  | "password_too_long"
  | "password_is_username"
  | "password_is_old"
  | "password_weak";

export type PasswordVerdict =
  | { ok: true }
  | {
      ok: false;
      reason: PasswordRefusalReason;
      /** password_weak: what makes it guessable (zxcvbn's warning, as our id). */
      weakness?: Weakness;
      /** password_too_short: the minimum that applied. */
      minLength?: number;
    };

export interface NewPassword {
  password: string;
  username: string;
  displayName?: string | null;
  email?: string | null;
  /** The current password's hash: the new one must differ. */
  oldPasswordHash?: string;
  /** False when the installation has no second factor enabled (the 15-character minimum). */
  secondFactorEnabled: boolean;
}

/** Length in code points of the stored (NFKC) form, so an emoji counts as one character. */
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}

/**
 * A user's own new password (the forced change, the account page): judged against their
 * names and their current password; the refusal that says why, or undefined when it may
 * be used. Throws HasherBusyError when argon2 is saturated (the caller answers "busy").
 */
export async function refuseOwnNewPassword(
  hasher: PasswordHasher,
  rules: PasswordRules,
  user: Pick<User, "username" | "displayName" | "email" | "passwordHash">,
  password: string,
  secondFactorEnabled: boolean,
): Promise<Refusal | undefined> {
  const verdict = await judgeNewPassword(hasher, rules, {
    password,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    oldPasswordHash: user.passwordHash,
    secondFactorEnabled,
  });
  if (verdict.ok) return undefined;
  return {
    ...refuse(verdict.reason),
    ...(verdict.weakness ? { weakness: verdict.weakness } : {}),
    ...(verdict.minLength ? { minLength: verdict.minLength } : {}),
  };
}

/**
 * Judges a new password: length, not the username, not the current password, zxcvbn
 * score 3 or more with the person's and the installation's words as context.
 */
export async function judgeNewPassword(
  hasher: PasswordHasher,
  rules: PasswordRules,
  input: NewPassword,
): Promise<PasswordVerdict> {
  const minLength = input.secondFactorEnabled
    ? rules.minLength
    : Math.max(rules.minLength, rules.singleFactorMinLength);
  const length = passwordLength(input.password);
  // The longer limit first: a 4,097-character password is too long, whatever else it is.
  if (length > rules.maxLength) return { ok: false, reason: "password_too_long" };
  if (length < minLength) return { ok: false, reason: "password_too_short", minLength };
  const password = normalizePassword(input.password);
  if (password.trim().toLowerCase() === input.username.toLowerCase()) {
    return { ok: false, reason: "password_is_username" };
  }
  // The current password again is said as such (the most useful answer), before its
  // strength: it costs one argon2 verify, which a forced change spends anyway.
  if (input.oldPasswordHash && (await hasher.verify(input.oldPasswordHash, input.password))) {
    return { ok: false, reason: "password_is_old" };
  }
  const strength = (await loadPasswordStrength()).judge(password, contextWords(rules, input));
  if (!strength.ok) return { ok: false, reason: "password_weak", weakness: strength.weakness };
  return { ok: true };
}

/**
 * The words zxcvbn treats as known to an attacker: the username, the display name and
 * each word of it, the email address, its local part and the words in it, the domain's
 * labels but the top-level one, and the installation's words. zxcvbn compares them
 * case-insensitively, also reversed and in l33t spelling.
 */
export function contextWords(
  rules: Pick<PasswordRules, "contextWords">,
  input: Pick<NewPassword, "username" | "displayName" | "email">,
): string[] {
  const words = new Set<string>();
  const add = (text: string | null | undefined): void => {
    const word = text?.normalize("NFKC").trim().toLowerCase();
    // One or two letters match everywhere and say nothing.
    if (word && [...word].length >= 3) words.add(word);
  };
  const addWithParts = (text: string | null | undefined, separators: RegExp): void => {
    add(text);
    for (const part of text?.split(separators) ?? []) add(part);
  };
  addWithParts(input.username, /[._@-]+/);
  addWithParts(input.displayName, /[\s.,'-]+/);
  if (input.email) {
    const at = input.email.lastIndexOf("@");
    add(input.email);
    addWithParts(at > 0 ? input.email.slice(0, at) : input.email, /[._+-]+/);
    const labels =
      at > 0
        ? input.email
            .slice(at + 1)
            .split(".")
            .slice(0, -1)
        : [];
    for (const label of labels) addWithParts(label, /-+/);
  }
  for (const word of rules.contextWords) addWithParts(word, /[\s._-]+/);
  return [...words];
}

/**
 * The check as its callers knew it (CLI, user admin, the forced change), until they move
 * to judgeNewPassword: same reasons as before, a weak password answered as
 * password_common, second factors taken as enabled unless told otherwise.
 */
export async function checkNewPassword(
  hasher: PasswordHasher,
  rules: PasswordRules,
  input: Omit<NewPassword, "secondFactorEnabled"> & { secondFactorEnabled?: boolean },
): Promise<{ ok: true } | Refusal> {
  const verdict = await judgeNewPassword(hasher, rules, {
    ...input,
    secondFactorEnabled: input.secondFactorEnabled ?? true,
  });
  if (verdict.ok) return verdict;
  return refuse(verdict.reason === "password_weak" ? "password_common" : verdict.reason);
}
