import type { AuditType } from "./core/audit.js";
import type { AuditEvent } from "./core/ports/audit.js";
import type { Stores } from "./core/ports/stores.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics/metrics.js";

// Every audit event is also a log line and, where it is one, a metric: the one place
// security events reach the operator's log and /metrics, so no route or core module
// has to remember to log a lock, a Force New Password, a settings change or a provider
// failure.

/** Events an operator should notice (attacks, locks, providers failing): logged at warn. */
const WARN: ReadonlySet<AuditType> = new Set([
  "password_throttled",
  "second_factor_locked",
  "challenge_ended",
  "code_send_failed",
  "notice_send_failed",
]);

const METHODS = new Set(["app", "sms", "email", "recovery"]);
const CHANNELS = new Set(["sms", "email"]);

/** A label value from a fixed set; anything else (a future factor) is "other". */
function known(set: ReadonlySet<string>, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  return typeof value === "string" && set.has(value) ? value : "other";
}

type Detail = Record<string, unknown>;
const channel = (d: Detail): string => known(CHANNELS, d.method, "other");

/** The metric each kind of event moves, if any. */
const COUNT: Partial<Record<AuditType, (m: Metrics, d: Detail) => void>> = {
  // No method: the password was all it took (2FA off).
  signin_ok: (m, d) =>
    m.signins.inc({ outcome: "ok", method: known(METHODS, d.method, "password") }),
  signin_failed: (m) => m.signins.inc({ outcome: "failed", method: "password" }),
  password_throttled: (m) => m.signins.inc({ outcome: "throttled", method: "password" }),
  // A wrong code is judged by every factor that could: it has no one method.
  second_factor_failed: (m, d) =>
    m.signins.inc({
      outcome: d.reused ? "reused_code" : "wrong_code",
      method: known(METHODS, d.method, "second_factor"),
    }),
  challenge_ended: (m) => m.signins.inc({ outcome: "too_many_codes", method: "second_factor" }),
  second_factor_locked: (m) => m.locks.inc({ factor: "second_factor" }),
  code_sent: (m, d) => m.codes.inc({ channel: channel(d), result: "sent" }),
  code_send_refused: (m, d) => m.codes.inc({ channel: channel(d), result: "refused" }),
  code_send_failed: (m, d) => m.codes.inc({ channel: channel(d), result: "failed" }),
};

/**
 * A log line and the metrics for one audit event that is in the log. The line names ids,
 * never the typed username: people type passwords into the username field. Details hold
 * no secret (core/audit.ts).
 */
function observe(logger: Logger, metrics: Metrics, event: AuditEvent): void {
  const detail = event.detail ?? {};
  COUNT[event.type as AuditType]?.(metrics, detail);
  const line = {
    event: event.type,
    userId: event.userId ?? null,
    actorId: event.actorId ?? null,
    ip: event.ip ?? null,
    detail,
  };
  if (WARN.has(event.type as AuditType)) logger.warn(line, "security event");
  else logger.info(line, "security event");
}

/**
 * The stores with every audit event observed once it is in the log: an append on its
 * own right after it, an append inside a transaction (Stores.atomically, issue 14) after
 * the transaction commits, never for one that rolled back. Observing the audit slice,
 * not the Audit function, catches every writer (the notice sender, a change and its
 * event in one transaction) in one place.
 */
export function observeAudit(stores: Stores, logger: Logger, metrics: Metrics): Stores {
  return observed(stores, (event) => observe(logger, metrics, event));
}

function observed(
  stores: Stores,
  emit: (event: AuditEvent) => void,
  /** Inside a transaction: its events, emitted when it commits. */
  pending?: AuditEvent[],
): Stores {
  return {
    ...stores,
    audit: {
      ...stores.audit,
      append: async (event) => {
        await stores.audit.append(event);
        if (pending) pending.push(event);
        else emit(event);
      },
    },
    atomically: async (work) => {
      // A transaction joined from inside one commits with it: the same list.
      if (pending) return stores.atomically((tx) => work(observed(tx, emit, pending)));
      const events: AuditEvent[] = [];
      const result = await stores.atomically((tx) => work(observed(tx, emit, events)));
      for (const event of events) emit(event);
      return result;
    },
  };
}
