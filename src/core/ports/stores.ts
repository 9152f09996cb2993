import type { AccessRuleStore } from "./access.js";
import type { AuditStore } from "./audit.js";
import type { AuthenticatorStore } from "./authenticators.js";
import type { DeviceStore } from "./devices.js";
import type { FlowStore } from "./flows.js";
import type { OutboxStore } from "./outbox.js";
import type { RecoveryCodeStore } from "./recovery-codes.js";
import type { SessionStore } from "./sessions.js";
import type { SettingsStore } from "./settings.js";
import type { UserStore } from "./users.js";

/**
 * The database, by aggregate. Each core module asks only for the slices it uses
 * (`Pick<Stores, "users" | "flows">`), so a test fake implements only those.
 */
export interface Stores {
  users: UserStore;
  flows: FlowStore;
  authenticators: AuthenticatorStore;
  sessions: SessionStore;
  settings: SettingsStore;
  audit: AuditStore;
  /** Forward-auth rules per host (issue 10). */
  access: AccessRuleStore;
  /** Notifications queued with the change they tell about (issue 14). */
  outbox: OutboxStore;
  /** Recovery codes (issue 11, docs/recovery.md). */
  recoveryCodes: RecoveryCodeStore;
  /** Remembered devices (issue 11, docs/recovery.md). */
  devices: DeviceStore;
  /**
   * Runs `work` in one database transaction: every slice of `tx` writes in it; it commits
   * when `work` resolves and rolls back when it throws. Inside, use only `tx` (the other
   * slices would wait for the transaction's connection). Called on a `tx`, it joins it.
   */
  atomically<T>(work: (tx: Stores) => Promise<T>): Promise<T>;
}
