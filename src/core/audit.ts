import type { AuditEvent, AuditStore } from "./ports/audit.js";
import type { Clock } from "./ports/runtime.js";
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
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

export type Audit = (event: Omit<AuditEvent, "at" | "type"> & { type: AuditType }) => Promise<void>;

/**
 * Audit events carry who/whom/what; callers must never put a code, password or secret in
 * detail. An event about a user names them: callers pass the username they hold, and
 * when one does not (a notice that failed in the background), it is looked up here, so
 * the audit page never shows a bare id for an event written from now on.
 */
export function createAudit(
  store: AuditStore,
  clock: Clock,
  users?: Pick<UserStore, "findById">,
): Audit {
  return async (event) => {
    const at = clock.now();
    if (event.username || !event.userId || !users) return store.append({ ...event, at });
    const username = (await users.findById(event.userId))?.username ?? null;
    return store.append({ ...event, username, at });
  };
}
