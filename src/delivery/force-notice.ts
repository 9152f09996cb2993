import type { OutgoingEmail } from "../core/ports/delivery.js";
import { escapeHtml } from "./messages.js";

/**
 * Tells the owner that a supervisor used Force New Password on their account, so a
 * reset they did not ask for is noticed. No link, no password: only what happened.
 */
export function forcedPasswordEmail(input: {
  to: string;
  appName: string;
  username: string;
  /** Milliseconds since the epoch. */
  at: number;
}): OutgoingEmail {
  const when = `${new Date(input.at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const lines = [
    `A supervisor reset the sign-in of ${input.username} on ${input.appName} at ${when}.`,
    "At your next sign-in, enter your current password, choose a new one, and set up your authenticator app again.",
    "If you did not ask for this, contact your administrator.",
  ];
  return {
    to: input.to,
    subject: `${input.appName}: your sign-in was reset`,
    text: `${lines.join("\n\n")}\n`,
    html:
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(input.appName)}</title></head>` +
      `<body style="font-family:sans-serif">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}</body></html>`,
  };
}
