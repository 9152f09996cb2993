import type { AuditEvent, AuditStore } from "./ports/audit.js";
import type { Clock } from "./ports/runtime.js";
import type { Stores } from "./ports/stores.js";
import type { UserStore } from "./ports/users.js";

/** Every kind of audit event, written once: the type and the audit page's filter use it. */
export const AUDIT_TYPES = [
  "signin_ok",
  "signin_failed",
  "password_throttled",
  "second_factor_failed",
  "second_factor_locked",
  "challenge_ended",
  "authenticator_added",
  "password_changed",
  "signout",
  "code_sent",
  "code_send_refused",
  "code_send_failed",
  "force_new_password",
  "settings_changed",
  "user_added",
  "user_changed",
  "notice_send_failed",
  // Issue 10: forward-auth rules per host
  "access_rule_changed",
  // Issue 14
  "second_factor_unlocked",
  // Issue 11: recovery codes and remembered devices
  "recovery_codes_issued",
  "recovery_code_used",
  "device_remembered",
  "device_forgotten",
  // Issue 11: the account page, temporary passwords
  "authenticator_replaced",
  "other_sessions_ended",
  "temporary_password_set",
  "current_password_wrong",
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

export type AuditInput = Omit<AuditEvent, "at" | "type"> & { type: AuditType };

/**
 * The slices of the transaction a change runs in (Stores.atomically): its audit event,
 * and the notifications the event queues (delivery/wire.ts), commit with the change or
 * not at all (issue 14: nothing lost in a crash).
 */
export type AuditScope = Pick<Stores, "audit" | "outbox" | "users">;

/**
 * Records an event. `tx`: the transaction of the change it records; without it, the
 * event (and its notifications) are written on their own.
 */
export type Audit = (event: AuditInput, tx?: AuditScope) => Promise<void>;

/**
 * Audit events carry who/whom/what; callers must never put a code, password or secret in
 * detail. An event about a user names them: callers pass the username they hold, and
 * when one does not (a notice that failed in the background), it is looked up here, so
 * the audit page never shows a bare id for an event written from now on. Inside a
 * transaction it is looked up there (the other slices would wait for its connection).
 */
export function createAudit(
  store: AuditStore,
  clock: Clock,
  users?: Pick<UserStore, "findById">,
): Audit {
  return async (event, tx) => {
    const at = clock.now();
    const target = tx?.audit ?? store;
    const lookup = tx?.users ?? users;
    if (event.username || !event.userId || !lookup) return target.append({ ...event, at });
    const username = (await lookup.findById(event.userId))?.username ?? null;
    return target.append({ ...event, username, at });
  };
}
