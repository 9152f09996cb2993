import { randomUUID } from "node:crypto";
import type { Mailer, OutgoingEmail, SmsSender } from "../core/ports/delivery.js";
import type { Clock } from "../core/ports/runtime.js";

export interface OutboxMessage {
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
  channel: "email" | "sms";
  to: string;
  subject?: string;
  body: string;
}

export interface Outbox {
  mailer: Mailer;
  sms: SmsSender;
  /** Newest first. */
  list(): OutboxMessage[];
  clear(): void;
}

/**
 * The development outbox: with no SMTP or SMS provider configured (never in production),
 * messages are kept in memory for the developer to read. Bounded, so a long-running dev
 * server or a load test cannot grow it without limit.
 */
export function createOutbox(limit = 200, clock: Clock = { now: Date.now }): Outbox {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error("Outbox: limit must be a positive integer");
  }
  let messages: OutboxMessage[] = [];

  const add = (message: Omit<OutboxMessage, "id" | "at">): void => {
    messages.unshift({ id: randomUUID(), at: clock.now(), ...message });
    if (messages.length > limit) messages.length = limit;
  };

  return {
    mailer: {
      async send(message: OutgoingEmail): Promise<void> {
        add({ channel: "email", to: message.to, subject: message.subject, body: message.text });
      },
    },
    sms: {
      async send(to: string, body: string): Promise<void> {
        add({ channel: "sms", to, body });
      },
    },
    list(): OutboxMessage[] {
      return messages.map((message) => ({ ...message }));
    },
    clear(): void {
      messages = [];
    },
  };
}
