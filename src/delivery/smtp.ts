import { createTransport } from "nodemailer";
import { DeliveryError, type Mailer, type OutgoingEmail } from "../core/ports/delivery.js";
import { requirePositiveTimeout } from "./http.js";

export interface SmtpMailerOptions {
  /**
   * smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (TLS from the
   * first byte). Nodemailer reads further options from the query string, which win over
   * ours, e.g. ?requireTLS=false to allow a plain-text server in production.
   */
  url: string;
  /** The From header, e.g. "Vestibule <no-reply@example.org>". */
  from: string;
  timeoutMs?: number;
  /**
   * Refuse to send unless the smtp:// connection is upgraded with STARTTLS (production:
   * otherwise one stripped STARTTLS line sends codes in clear). Off: upgrade if offered.
   */
  requireTls?: boolean;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const { url, from } = options;
  const provider = describeServer(url);
  if (!from) throw new Error("SMTP: set MAIL_FROM, the address messages are sent from");
  const timeoutMs = requirePositiveTimeout(options.timeoutMs ?? 5000, "SMTP");
  const transport = createTransport({
    url,
    ...(options.requireTls ? { requireTLS: true } : {}),
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
      // The phase timeouts above bound each wait, not their sum: a server that answers
      // every command just in time could hold the request for several timeoutMs. One
      // deadline bounds the whole send; a late result is ignored, and a timed-out send
      // is not `definite` (the message may still be delivered).
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError()), timeoutMs);
      });
      try {
        await Promise.race([
          transport.sendMail({
            from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
          }),
          deadline,
        ]);
      } catch (error) {
        if (error instanceof DeadlineError) {
          throw new DeliveryError(`${provider} failed: ETIMEDOUT (overall deadline)`, {
            definite: false,
          });
        }
        throw new DeliveryError(`${provider} failed: ${describeSmtpError(error)}`, {
          definite: nothingSent(error),
        });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

class DeadlineError extends Error {}

/**
 * True when the message certainly was not handed over: no connection (refused), no
 * secure channel (STARTTLS refused or failed under requireTLS), or the server refused a
 * command before DATA (RFC 5321 §4.2: a 4yz or 5yz reply to AUTH, MAIL or RCPT means the
 * message was not accepted; a 4yz there is as undelivered as a 5yz, only "try later").
 * A timeout, a dropped connection or any reply at or after DATA may follow delivery.
 */
function nothingSent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, command, responseCode } = error as Error & {
    code?: unknown;
    command?: unknown;
    responseCode?: unknown;
  };
  if (command === "CONN" && /\bECONNREFUSED\b/.test(error.message)) return true;
  if (code === "ETLS") return true;
  return (
    typeof command === "string" &&
    command !== "CONN" &&
    !command.toUpperCase().startsWith("DATA") &&
    typeof responseCode === "number" &&
    responseCode >= 400 &&
    responseCode < 600
  );
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
