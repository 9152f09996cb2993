import type { Reason } from "../core/reasons.js";

// One catalogue: each refusal's HTTP status and the words a person reads.
export const REASONS: Record<Reason, { status: number; text: string }> = {
  bad_credentials: { status: 401, text: "The username or password is incorrect." },
  throttled: { status: 429, text: "Too many failed attempts. Please wait before trying again." },
  busy: { status: 503, text: "The service is busy. Please try again in a moment." },
  expired: { status: 401, text: "Your sign-in has expired. Please sign in again." },
  wrong_step: { status: 409, text: "That step is not available now. Please continue below." },
  malformed_code: { status: 400, text: "Enter the 6-digit code." },
  invalid_code: { status: 401, text: "That code is not valid. Check the code and try again." },
  too_many_codes: {
    status: 401,
    text: "Too many incorrect codes. Please sign in again.",
  },
  second_factor_locked: {
    status: 429,
    text: "Too many incorrect codes for this account. Verification is locked for a while.",
  },
  password_mismatch: { status: 400, text: "The two passwords do not match." },
  password_too_short: { status: 400, text: "The new password is too short." },
  password_too_long: {
    status: 400,
    text: "The new password is too long (at most 128 characters).",
  },
  password_is_username: { status: 400, text: "The new password must not be your username." },
  password_is_old: { status: 400, text: "The new password must differ from the current one." },
  password_common: {
    status: 400,
    text: "That password is too common and easy to guess. Choose another.",
  },
  method_unavailable: { status: 409, text: "That method is not available for your account." },
  send_throttled: { status: 429, text: "Too many codes sent. Please wait before asking again." },
  send_failed: {
    status: 502,
    text: "We could not send the code — try again or use another method.",
  },
};

/** "in about N minutes" / "in N seconds" for a wait. */
export function describeWait(ms: number | undefined): string {
  if (ms === undefined) return "";
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return ` Try again in ${seconds} seconds.`;
  return ` Try again in about ${Math.ceil(seconds / 60)} minutes.`;
}

export function reasonText(reason: Reason, retryAfterMs?: number, minLength?: number): string {
  const base = REASONS[reason].text;
  if (reason === "password_too_short" && minLength) {
    return `The new password is too short (at least ${minLength} characters).`;
  }
  return base + describeWait(retryAfterMs);
}

/**
 * The entry of a word table for a key from the request, own keys only: a plain object
 * lookup would read "constructor" or "__proto__" through the prototype.
 */
export function lookupWord(table: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

// Notices shown on the Login page, chosen by a fixed key (never reflected text).
export const NOTICES: Record<string, string> = {
  app_added: "Your authenticator app has been added. Please sign in again to continue.",
  signed_out: "You have been signed out.",
  expired: "Your sign-in has expired. Please sign in again.",
  too_many_codes: "Too many incorrect codes. Please sign in again.",
  locked: "Too many incorrect codes for this account. Verification is locked for a while.",
};
