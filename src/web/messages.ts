import type { Reason } from "../core/reasons.js";
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
  password_mismatch: { status: 400 },
  password_too_short: { status: 400 },
  password_too_long: { status: 400 },
  password_is_username: { status: 400 },
  password_is_old: { status: 400 },
  password_common: { status: 400 },
  method_unavailable: { status: 409 },
  send_throttled: { status: 429 },
  send_failed: { status: 502 },
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
} as const;

/** The Login page's notice for a key from the query string; undefined for any other. */
export function noticeText(locale: Locale, key: string): string | undefined {
  const id = lookupWord(NOTICES, key);
  return id && t(locale, id);
}
