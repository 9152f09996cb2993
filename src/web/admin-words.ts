import type { Weakness } from "../core/password-strength.js";
import type { Role } from "../core/ports/runtime.js";
import type { FieldError } from "../core/user-admin.js";
import { type Locale, t } from "../words/catalogue.js";
import { formatDateTime } from "../words/format.js";
import { lookupWord } from "./messages.js";

// The words of the supervisor and administrator pages that a code or key chooses.

/** What a refused password carries: why it is guessable, the minimum that applied. */
export interface PasswordDetail {
  weakness?: Weakness | undefined;
  minLength?: number | undefined;
}

export function fieldErrorText(
  locale: Locale,
  error: FieldError,
  detail: PasswordDetail = {},
): string {
  if (error === "password_weak") {
    return [
      t(locale, "field_error.password_weak"),
      t(locale, `password_weak.${detail.weakness ?? "guessable"}`),
      t(locale, "password_weak.advice"),
    ].join(" ");
  }
  if (error === "password_too_short" && detail.minLength) {
    return t(locale, "field_error.password_too_short_min", { count: detail.minLength });
  }
  return t(locale, `field_error.${error}`);
}

/** Notices after an action, chosen by a fixed key (never reflected text). */
export const ADMIN_NOTICES = {
  forced: "admin_notice.forced",
  forced_emailed: "admin_notice.forced_emailed",
  saved: "admin_notice.saved",
  added: "admin_notice.added",
  deactivated: "admin_notice.deactivated",
  reactivated: "admin_notice.reactivated",
  methods_saved: "admin_notice.methods_saved",
  // Issue 14
  unlocked: "admin_notice.unlocked",
  // Issue 11
  device_forgotten: "user.device_forgotten",
  remember_saved: "settings.remember_saved",
  temporary_set: "admin_notice.temporary_set",
} as const;

/** The notice for a key from the query string; undefined for any other. */
export function adminNoticeText(locale: Locale, key: string): string | undefined {
  const id = lookupWord(ADMIN_NOTICES, key);
  return id && t(locale, id);
}

export function roleName(locale: Locale, role: Role): string {
  return t(locale, `role.${role}`);
}

/** A time on a staff page, to the second, or "never". */
export function staffTime(locale: Locale, ms: number | null): string {
  return ms === null ? t(locale, "time.never") : formatDateTime(locale, ms, { seconds: true });
}
