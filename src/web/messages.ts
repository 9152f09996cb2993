import type { Weakness } from "../core/password-strength.js";
import type { Reason, Refusal } from "../core/reasons.js";
import { type Locale, t } from "../words/catalogue.js";
import { formatWait } from "../words/format.js";

// Each refusal's HTTP status; its words are the catalogue's "reason.<reason>".
export const REASONS: Record<Reason, { status: number }> = {
  bad_credentials: { status: 401 },
  throttled: { status: 429 },
  busy: { status: 503 },
  expired: { status: 401 },
  wrong_step: { status: 409 },
  malformed_code: { status: 400 },
  invalid_code: { status: 401 },
  too_many_codes: { status: 401 },
  second_factor_locked: { status: 429 },
  second_factor_locked_for_good: { status: 429 },
  password_mismatch: { status: 400 },
  password_too_short: { status: 400 },
  password_too_long: { status: 400 },
  password_is_username: { status: 400 },
  password_is_old: { status: 400 },
  password_common: { status: 400 },
  password_weak: { status: 400 },
  method_unavailable: { status: 409 },
  send_throttled: { status: 429 },
  send_failed: { status: 502 },
  // Issue 11
  current_password_wrong: { status: 401 },
  temporary_password_expired: { status: 401 },
};

/** The refusal's words, then how long to wait when there is a wait. */
export function reasonText(
  locale: Locale,
  reason: Reason,
  retryAfterMs?: number,
  minLength?: number,
): string {
  if (reason === "password_too_short" && minLength) {
    return t(locale, "reason.password_too_short_min", { count: minLength });
  }
  const text = t(locale, `reason.${reason}`);
  return retryAfterMs === undefined ? text : `${text} ${formatWait(locale, retryAfterMs)}`;
}

/**
 * A refusal's words with what it carries: the minimum that applied to a short password,
 * what makes a weak one guessable (and what to do instead), how long a lock lasts.
 */
export function refusalText(locale: Locale, refusal: Refusal, minLength?: number): string {
  if (refusal.reason === "password_weak") return weakPasswordText(locale, refusal.weakness);
  return reasonText(locale, refusal.reason, refusal.retryAfterMs, refusal.minLength ?? minLength);
}

/** "That password is too easy to guess." + why (zxcvbn's finding, our words) + advice. */
export function weakPasswordText(locale: Locale, weakness: Weakness | undefined): string {
  return [
    t(locale, "reason.password_weak"),
    t(locale, `password_weak.${weakness ?? "guessable"}`),
    t(locale, "password_weak.advice"),
  ].join(" ");
}

/**
 * The entry of a table for a key from the request, own keys only: a plain object
 * lookup would read "constructor" or "__proto__" through the prototype.
 */
export function lookupWord<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

// Notices shown on the Login page, chosen by a fixed key (never reflected text).
export const NOTICES = {
  app_added: "notice.app_added",
  signed_out: "notice.signed_out",
  expired: "notice.expired",
  too_many_codes: "notice.too_many_codes",
  locked: "notice.locked",
  // Issue 14
  locked_for_good: "notice.locked_for_good",
  key_replaced: "notice.key_replaced",
} as const;

/**
 * The Login page's notice for a key from the query string; undefined for any other.
 * `waitSeconds` (from the query, bounded) says how long a lock lasts.
 */
export function noticeText(locale: Locale, key: string, waitSeconds?: number): string | undefined {
  const id = lookupWord(NOTICES, key);
  if (!id) return undefined;
  const text = t(locale, id);
  return key === "locked" && waitSeconds !== undefined
    ? `${text} ${formatWait(locale, waitSeconds * 1000)}`
    : text;
}
