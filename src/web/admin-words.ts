import type { FieldError } from "../core/user-admin.js";

// The words of the supervisor and administrator pages: field errors, notices, times.

export const FIELD_ERRORS: Record<FieldError, string> = {
  username_invalid: "Use 1 to 64 of a–z, 0–9 and . _ @ -, starting with a letter or digit.",
  username_taken: "That username is taken.",
  display_name_invalid: "At most 100 characters, no control characters.",
  email_invalid: "Enter an email address such as name@example.org, or leave it empty.",
  phone_invalid: "Enter the number in international format, e.g. +61412345678, or leave it empty.",
  role_invalid: "Choose User or Supervisor.",
  password_too_short: "The password is too short.",
  password_too_long: "The password is too long (at most 128 characters).",
  password_is_username: "The password must not be the username.",
  password_common: "That password is too common and easy to guess. Choose another.",
};

/** Notices after an action, chosen by a fixed key (never reflected text). */
export const ADMIN_NOTICES: Record<string, string> = {
  forced:
    "Force New Password done: the user's sessions ended, the authenticator app was cleared, and they must choose a new password at the next sign-in.",
  forced_emailed:
    "Force New Password done: the user's sessions ended, the authenticator app was cleared, and they must choose a new password at the next sign-in. They were told by email.",
  saved: "The changes were saved.",
  added: "The user was added. They must choose a new password at their first sign-in.",
  deactivated: "The user was deactivated: their sessions ended and they cannot sign in.",
  reactivated: "The user was reactivated and can sign in again.",
  methods_saved: "The sign-in methods were saved.",
};

export const ROLE_NAMES: Record<string, string> = {
  user: "User",
  supervisor: "Supervisor",
  administrator: "Administrator",
};

/** "2030-01-01 00:00:10 UTC": one zone for everyone reading the log. */
export function utc(ms: number | null): string {
  if (ms === null) return "never";
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
