/**
 * A notification to send: queued in the transaction of the change it tells about, sent
 * after commit and retried until sent (the transactional outbox, delivery/notices.ts).
 * It holds the message as written (no code, no password: notices only say what happened).
 */
export interface QueuedMessage {
  /** The audit event type it tells about. */
  kind: string;
  userId: string | null;
  channel: "email" | "sms";
  /** An email address or an E.164 number. */
  to: string;
  subject?: string;
  text: string;
  html?: string;
}

export interface OutboxMessage extends QueuedMessage {
  id: number;
  createdAt: number;
  /** Sends tried so far (this one not counted). */
  attempts: number;
}

export interface OutboxStore {
  /** Queues a message, due at once. Call it inside the change's transaction. */
  enqueue(message: QueuedMessage, now: number): Promise<void>;
  /**
   * Up to `limit` messages due at `now`, each claimed for `leaseMs` by one conditional
   * UPDATE: one sender holds a message at a time, on any number of instances; a sender
   * that dies lets its lease run out and another sends it.
   */
  claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** Sent: the message leaves the outbox. */
  remove(id: number): Promise<void>;
  /** Not sent: tried again at `nextAttemptAt`; `error` says why (never the content). */
  retryLater(id: number, nextAttemptAt: number, error: string): Promise<void>;
  /** Messages waiting (sent or not yet due included): the operator's and the tests' view. */
  pending(): Promise<OutboxMessage[]>;
}
