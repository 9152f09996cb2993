import { createTransport } from "nodemailer";
import { DeliveryError, type Mailer, type OutgoingEmail } from "../core/ports.js";
import { requirePositiveTimeout } from "./http.js";

export interface SmtpMailerOptions {
  /**
   * smtp://user:pass@host:587 (opportunistic STARTTLS) or smtps://user:pass@host:465
   * (TLS from the first byte). Nodemailer reads further options from the query string,
   * e.g. ?requireTLS=true to refuse a server that does not offer STARTTLS.
   */
  url: string;
  /** The From header, e.g. "Vestibule <no-reply@example.org>". */
  from: string;
  timeoutMs?: number;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const { url, from } = options;
  const provider = describeServer(url);
  if (!from) throw new Error("SMTP: set MAIL_FROM, the address messages are sent from");
  const timeoutMs = requirePositiveTimeout(options.timeoutMs ?? 5000, "SMTP");
  const transport = createTransport({
    url,
    // Each phase is bounded, so a dead or silent server fails the send instead of
    // holding the user's sign-in request open.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // Our messages are built from strings only; never let a field read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  return {
    async send(message: OutgoingEmail): Promise<void> {
      try {
        await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
      } catch (error) {
        throw new DeliveryError(`${provider} failed: ${describeSmtpError(error)}`);
      }
    },
  };
}

/** "SMTP mail.example.org:587", without the credentials that the URL carries. */
function describeServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("SMTP: SMTP_URL is not a valid URL (smtp://user:pass@host:port)");
  }
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") {
    throw new Error("SMTP: SMTP_URL must start with smtp:// or smtps://");
  }
  const port = parsed.port || (parsed.protocol === "smtps:" ? "465" : "587");
  return `SMTP ${parsed.hostname}:${port}`;
}

/**
 * Names the failure by nodemailer's error code, the SMTP command and the server's reply
 * code (RFC 5321 §4.2, plus the RFC 3463 enhanced code when given). The server's free
 * text and nodemailer's message are left out: either may quote the envelope or content.
 */
function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const { code, command, responseCode, response } = error as Error & {
    code?: unknown;
    command?: unknown;
    responseCode?: unknown;
    response?: unknown;
  };
  const parts = [typeof code === "string" ? code : error.name];
  if (typeof command === "string") parts.push(`at ${command.split(" ")[0]}`);
  if (typeof responseCode === "number") {
    const enhanced =
      typeof response === "string" ? /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(response) : null;
    parts.push(`status ${responseCode}${enhanced ? ` ${enhanced[1]}` : ""}`);
  }
  return parts.join(" ");
}
