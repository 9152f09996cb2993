import type { OutgoingEmail } from "../core/ports/delivery.js";
import { type Locale, t } from "../words/catalogue.js";
import { formatDateTime } from "../words/format.js";
import { type Html, html, tHtml } from "../words/html.js";
import { maskEmail } from "./mask.js";
import { maskPhone } from "./phone.js";

export type EmailContent = Omit<OutgoingEmail, "to">;

export interface CodeMessageInput {
  appName: string;
  code: string;
  minutes: number;
}

/**
 * The verification code email. The code stays out of the subject, which lock screens
 * and mail lists show to anyone nearby.
 */
export function codeEmail(
  locale: Locale,
  { appName, code, minutes }: CodeMessageInput,
): EmailContent {
  const expiry = t(locale, "email.code.expiry", { count: minutes });
  const notYou = t(locale, "email.code.not_you");
  return {
    subject: t(locale, "email.code.subject", { app: appName }),
    text: `${t(locale, "email.code.text", { app: appName, code })}\n\n${expiry}\n\n${notYou}\n`,
    html: emailPage(
      appName,
      html`<p>${tHtml(locale, "email.code.intro", { app: appName })}</p><p style="font-size:24px;font-weight:bold;letter-spacing:4px">${code}</p><p>${expiry}</p><p>${notYou}</p>`,
    ),
  };
}

/** Short enough for a single GSM-7 segment with a typical app name. */
export function codeSms(locale: Locale, { appName, code, minutes }: CodeMessageInput): string {
  return t(locale, "sms.code", { code, app: appName, count: minutes });
}

/** Tells the owner an authenticator was added, so an unexpected one is noticed. */
export function authenticatorAddedEmail(
  locale: Locale,
  input: {
    appName: string;
    username: string;
    /** Milliseconds since the epoch. */
    at: number;
  },
): EmailContent {
  const app = input.appName;
  return noticeEmail(app, t(locale, "email.app_added.subject", { app }), [
    t(locale, "email.app_added.what", {
      username: input.username,
      app,
      time: formatDateTime(locale, input.at),
    }),
    t(locale, "email.app_added.if_you"),
    t(locale, "email.app_added.if_not"),
  ]);
}

/** Tells the owner that wrong codes paused their second factor: maybe an attack. */
export function secondFactorLockedEmail(
  locale: Locale,
  input: {
    appName: string;
    username: string;
    minutes: number;
  },
): EmailContent {
  const app = input.appName;
  return noticeEmail(app, t(locale, "email.locked.subject", { app }), [
    t(locale, "email.locked.what", { username: input.username, app }),
    t(locale, "email.locked.paused", { count: input.minutes }),
    t(locale, "email.locked.if_not"),
  ]);
}

/** Tells the owner that wrong codes locked their second factor until a supervisor acts. */
export function secondFactorLockedForGoodEmail(
  locale: Locale,
  input: { appName: string; username: string },
): EmailContent {
  const app = input.appName;
  return noticeEmail(app, t(locale, "email.locked_for_good.subject", { app }), [
    t(locale, "email.locked_for_good.what", { username: input.username, app }),
    t(locale, "email.locked_for_good.locked"),
    t(locale, "email.locked.if_not"),
  ]);
}

interface ContactChange {
  appName: string;
  username: string;
  /** Milliseconds since the epoch. */
  at: number;
  from: string | null;
  to: string | null;
}

/**
 * Sent to the old address and the new one. The addresses are masked: each reader learns
 * that and when the address changed, not the other one in full.
 */
export function emailChangedEmail(locale: Locale, input: ContactChange): EmailContent {
  const masked = (v: string | null) => (v ? maskEmail(v) : t(locale, "contact.none"));
  return contactChangedEmail(locale, input, "email", masked);
}

export function phoneChangedEmail(locale: Locale, input: ContactChange): EmailContent {
  const masked = (v: string | null) => (v ? maskPhone(v) : t(locale, "contact.none"));
  return contactChangedEmail(locale, input, "phone", masked);
}

function contactChangedEmail(
  locale: Locale,
  input: ContactChange,
  field: "email" | "phone",
  masked: (value: string | null) => string,
): EmailContent {
  const app = input.appName;
  const ids =
    field === "email"
      ? ({ subject: "email.email_changed.subject", what: "email.email_changed.what" } as const)
      : ({ subject: "email.phone_changed.subject", what: "email.phone_changed.what" } as const);
  return noticeEmail(app, t(locale, ids.subject, { app }), [
    t(locale, ids.what, {
      username: input.username,
      app,
      time: formatDateTime(locale, input.at),
      from: masked(input.from),
      to: masked(input.to),
    }),
    t(locale, "email.contact_changed.if_not"),
  ]);
}

/** Sent by SMS to the old number and the new one. */
export function phoneChangedSms(
  locale: Locale,
  input: { appName: string; username: string },
): string {
  return t(locale, "sms.phone_changed", { app: input.appName, username: input.username });
}

/** Issue 11: a change the user made on the account page, or staff made for them. */
export function accountChangeEmail(
  locale: Locale,
  kind: "password_changed" | "app_replaced" | "sessions_ended",
  input: { appName: string; username: string; at: number },
): EmailContent {
  const app = input.appName;
  const time = formatDateTime(locale, input.at);
  return noticeEmail(app, t(locale, `email.${kind}.subject`, { app }), [
    t(locale, `email.${kind}.what`, { username: input.username, app, time }),
    t(locale, "email.account.if_you"),
    t(locale, "email.account.if_not"),
  ]);
}

/** Issue 11: staff (or the CLI) set the user's password; temporary ones say for how long. */
export function temporaryPasswordEmail(
  locale: Locale,
  input: { appName: string; username: string; at: number; validHours: number | null },
): EmailContent {
  const app = input.appName;
  const time = formatDateTime(locale, input.at);
  return noticeEmail(app, t(locale, "email.temporary_password.subject", { app }), [
    t(locale, "email.temporary_password.what", { username: input.username, app, time }),
    ...(input.validHours === null
      ? []
      : [t(locale, "email.temporary_password.change", { count: input.validHours })]),
    t(locale, "email.account.if_not"),
  ]);
}

/** A notice email: one paragraph per line, the same words as text and as HTML. */
export function noticeEmail(appName: string, subject: string, lines: string[]): EmailContent {
  return {
    subject,
    text: `${lines.join("\n\n")}\n`,
    html: emailPage(appName, html`${lines.map((line) => html`<p>${line}</p>`)}`),
  };
}

function emailPage(appName: string, body: Html): string {
  return html`<!doctype html><html><head><meta charset="utf-8"><title>${appName}</title></head><body style="font-family:sans-serif">${body}</body></html>`
    .value;
}

/** Issue 11: a new set of recovery codes was made; the old set no longer works. */
export function recoveryCodesIssuedEmail(
  locale: Locale,
  input: { appName: string; username: string; at: number },
): EmailContent {
  const app = input.appName;
  return noticeEmail(app, t(locale, "email.recovery_issued.subject", { app }), [
    t(locale, "email.recovery_issued.what", {
      username: input.username,
      app,
      time: formatDateTime(locale, input.at),
    }),
    t(locale, "email.recovery_issued.if_not"),
  ]);
}

/** Issue 11: a recovery code was used to sign in; how many are left. */
export function recoveryCodeUsedEmail(
  locale: Locale,
  input: { appName: string; username: string; at: number; left: number },
): EmailContent {
  const app = input.appName;
  return noticeEmail(app, t(locale, "email.recovery_used.subject", { app }), [
    t(locale, "email.recovery_used.what", {
      username: input.username,
      app,
      time: formatDateTime(locale, input.at),
    }),
    t(locale, "email.recovery_used.left", { count: input.left }),
    t(locale, "email.recovery_used.if_not"),
  ]);
}
