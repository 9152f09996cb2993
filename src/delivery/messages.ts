import type { OutgoingEmail } from "../core/ports/delivery.js";
import { type Locale, t } from "../words/catalogue.js";
import { formatDateTime } from "../words/format.js";
import { type Html, html, tHtml } from "../words/html.js";

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
