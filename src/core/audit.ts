import type { AuditEvent, Clock, Store } from "./ports.js";

export type AuditType =
  | "signin_ok"
  | "signin_failed"
  | "password_throttled"
  | "second_factor_failed"
  | "second_factor_locked"
  | "challenge_ended"
  | "authenticator_added"
  | "password_changed"
  | "signout"
  | "code_sent"
  | "code_send_refused"
  | "code_send_failed"
  | "force_new_password"
  | "settings_changed"
  | "user_added"
  | "user_changed"
  | "notice_send_failed";

export type Audit = (event: Omit<AuditEvent, "at" | "type"> & { type: AuditType }) => Promise<void>;

/** Audit events carry who/whom/what; callers must never put a code, password or secret in detail. */
export function createAudit(store: Store, clock: Clock): Audit {
  return (event) => store.appendAudit({ ...event, at: clock.now() });
}
