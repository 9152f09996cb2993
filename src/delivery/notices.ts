import type { Audit } from "../core/audit.js";
import { DeliveryError, type Mailer, type SmsSender } from "../core/ports/delivery.js";
import type { OutboxMessage, OutboxStore } from "../core/ports/outbox.js";
import type { Clock } from "../core/ports/runtime.js";

// The transactional outbox's sender. A change and the notifications it causes are written
// in one transaction (delivery/wire.ts queues them with the audit event); this sends them
// after commit, and again until they go: a failure waits and retries, and a process that
// dies (or a CLI that exits) leaves them queued for the next sender. A message may go out
// twice if a sender dies between sending and removing it (at least once, never lost).

export interface NoticeSender {
  /** Sends every message due now, one pass; resolves with how many went. */
  drain(): Promise<number>;
  /** A change with notifications committed: drain soon, in the background. */
  nudge(): void;
  /** Drains now and then every `intervalMs` (retries, messages other instances left). */
  start(intervalMs?: number): void;
  /** Stops the timer and waits for a drain in progress. */
  stop(): Promise<void>;
}

export interface NoticeSenderDeps {
  outbox: OutboxStore;
  mailer: Mailer | undefined;
  sms: SmsSender | undefined;
  clock: Clock;
  /** notice_send_failed, without the content. */
  audit: Audit;
  /** A log line (the operator's); never the content. */
  onError?: (message: string) => void;
  /** How long a sender holds a message it is sending (longer than a send can take). */
  leaseMs?: number;
}

/** 30 s, 1 min, 2 min, … at most an hour between tries. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.min(attempts, 10), 3_600_000);
}

const BATCH = 50;

export function createNoticeSender(deps: NoticeSenderDeps): NoticeSender {
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  let running: Promise<number> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const send = async (m: OutboxMessage): Promise<void> => {
    if (m.channel === "sms") {
      if (!deps.sms) throw new DeliveryError("no SMS provider is configured");
      await deps.sms.send(m.to, m.text);
      return;
    }
    if (!deps.mailer) throw new DeliveryError("no mail server is configured");
    await deps.mailer.send({
      to: m.to,
      subject: m.subject ?? "",
      text: m.text,
      html: m.html ?? m.text,
    });
  };

  const onePass = async (): Promise<number> => {
    let sent = 0;
    for (;;) {
      const batch = await deps.outbox.claimDue(deps.clock.now(), leaseMs, BATCH);
      for (const m of batch) {
        try {
          await send(m);
        } catch (err) {
          const why = err instanceof DeliveryError ? err.message : "unexpected error";
          await deps.outbox.retryLater(m.id, deps.clock.now() + retryDelayMs(m.attempts), why);
          deps.onError?.(`notification (${m.kind}) not sent, will retry: ${why}`);
          await deps.audit({
            type: "notice_send_failed",
            userId: m.userId,
            detail: { notice: m.kind, channel: m.channel, attempt: m.attempts + 1, error: why },
          });
          continue;
        }
        await deps.outbox.remove(m.id);
        sent++;
      }
      if (batch.length < BATCH) return sent;
    }
  };

  const drain = async (): Promise<number> => {
    if (running) {
      // One pass at a time; a call during it asks for one more (the new rows may have
      // committed after this pass read the due ones), which the running drain makes.
      again = true;
      return running;
    }
    running = (async () => {
      let sent = 0;
      do {
        again = false;
        sent += await onePass();
      } while (again && !stopped);
      return sent;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  const background = (): void => {
    // A nudge scheduled just before stop() finds the store closing: nothing to do.
    if (stopped) return;
    drain().catch((err: unknown) => {
      // The store is away: the messages stay queued for the next pass.
      deps.onError?.(`notifications not sent: ${err instanceof Error ? err.message : err}`);
    });
  };

  return {
    drain,
    nudge() {
      if (stopped) return;
      if (running) again = true;
      else setImmediate(background);
    },
    start(intervalMs = 15_000) {
      stopped = false;
      background();
      timer = setInterval(background, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
