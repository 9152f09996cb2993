export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one email. Rejects with DeliveryError when the server refuses or does not answer. */
export interface Mailer {
  send(message: OutgoingEmail): Promise<void>;
}

/** Sends one SMS to an E.164 number. Rejects with DeliveryError on provider failure. */
export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}

/** A provider failed; the message says which and why, never the content. */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  /**
   * True only when the message certainly did not go out: the provider refused it (HTTP
   * 4xx, an SMTP refusal before DATA) or no connection was made. A timeout or a 5xx may
   * still have delivered it, so the send quota is kept (SMS pumping, docs/codes.md).
   */
  readonly definite: boolean;

  constructor(message: string, options: { definite?: boolean } = {}) {
    super(message);
    this.definite = options.definite ?? false;
  }
}
