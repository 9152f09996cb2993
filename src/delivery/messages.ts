import type { OutgoingEmail } from "../core/ports/delivery.js";

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
export function codeEmail({ appName, code, minutes }: CodeMessageInput): EmailContent {
  const expiry = `It expires in ${plural(minutes, "minute")}.`;
  const ignore = "If you did not try to sign in, you can ignore this email.";
  return {
    subject: `Your ${appName} verification code`,
    text: `Your ${appName} verification code is ${code}\n\n${expiry}\n\n${ignore}\n`,
    html: page(
      appName,
      `<p>Your ${escapeHtml(appName)} verification code is</p>` +
        `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">${escapeHtml(code)}</p>` +
        `<p>${expiry}</p><p>${ignore}</p>`,
    ),
  };
}

/** Short enough for a single GSM-7 segment with a typical app name. */
export function codeSms({ appName, code, minutes }: CodeMessageInput): string {
  return `${code} is your ${appName} verification code. It expires in ${plural(minutes, "minute")}.`;
}

/** Tells the owner an authenticator was added, so an unexpected one is noticed. */
export function authenticatorAddedEmail(input: {
  appName: string;
  username: string;
  /** Milliseconds since the epoch. */
  at: number;
}): EmailContent {
  const when = formatUtc(input.at);
  const lines = [
    `An authenticator app was set up for ${input.username} on ${input.appName} at ${when}.`,
    "If this was you, there is nothing to do.",
    "If it was not, contact your administrator and ask for Force New Password.",
  ];
  return notice(input.appName, `${input.appName}: authenticator app added`, lines);
}

/** Tells the owner that wrong codes paused their second factor: maybe an attack. */
export function secondFactorLockedEmail(input: {
  appName: string;
  username: string;
  minutes: number;
}): EmailContent {
  const lines = [
    `Too many wrong verification codes were entered for ${input.username} on ${input.appName}.`,
    `Sign-in with a verification code is paused for ${plural(input.minutes, "minute")}.`,
    "If this was not you, someone may know your password: change it, and tell your administrator.",
  ];
  return notice(input.appName, `${input.appName}: sign-in paused after wrong codes`, lines);
}

function notice(appName: string, subject: string, lines: string[]): EmailContent {
  return {
    subject,
    text: `${lines.join("\n\n")}\n`,
    html: page(appName, lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("")),
  };
}

function page(appName: string, body: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(appName)}</title>` +
    `</head><body style="font-family:sans-serif">${body}</body></html>`
  );
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** "2024-05-01 09:30 UTC": one unambiguous zone, since we do not know the reader's. */
function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
