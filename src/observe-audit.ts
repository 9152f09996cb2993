import type { Audit, AuditType } from "./core/audit.js";
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
 * The audit, then a log line and the metrics, once the row is written (what is counted
 * and logged is what the audit log holds). The line names ids, never the typed username:
 * people type passwords into the username field. Details hold no secret (core/audit.ts).
 */
export function observeAudit(audit: Audit, logger: Logger, metrics: Metrics): Audit {
  return async (event) => {
    await audit(event);
    const detail = event.detail ?? {};
    COUNT[event.type]?.(metrics, detail);
    const line = {
      event: event.type,
      userId: event.userId ?? null,
      actorId: event.actorId ?? null,
      ip: event.ip ?? null,
      detail,
    };
    if (WARN.has(event.type)) logger.warn(line, "security event");
    else logger.info(line, "security event");
  };
}
