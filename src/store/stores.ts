import type { Kysely } from "kysely";
import type { Stores } from "../core/ports/stores.js";
import { createAccessRuleStore } from "./access.js";
import { createAuditStore } from "./audit.js";
import { createAuthenticatorStore } from "./authenticators.js";
import { createDeviceStore } from "./devices.js";
import { createFlowStore } from "./flows.js";
import { createOutboxStore } from "./outbox.js";
import { createRecoveryCodeStore } from "./recovery-codes.js";
import type { Database } from "./schema.js";
import { createSessionStore } from "./sessions.js";
import { createSettingsStore } from "./settings.js";
import { createUserStore } from "./users.js";

/**
 * Kysely on either dialect, one adapter per aggregate (core/ports/stores.ts). On a
 * transaction (`atomically`), every slice writes in it and `atomically` joins it.
 */
export function createStores(db: Kysely<Database>): Stores {
  const stores: Stores = {
    users: createUserStore(db),
    flows: createFlowStore(db),
    authenticators: createAuthenticatorStore(db),
    sessions: createSessionStore(db),
    settings: createSettingsStore(db),
    audit: createAuditStore(db),
    access: createAccessRuleStore(db),
    outbox: createOutboxStore(db),
    recoveryCodes: createRecoveryCodeStore(db),
    devices: createDeviceStore(db),
    atomically: (work) =>
      db.isTransaction ? work(stores) : db.transaction().execute((trx) => work(createStores(trx))),
  };
  return stores;
}
