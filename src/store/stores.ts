import type { Kysely } from "kysely";
import type { Stores } from "../core/ports/stores.js";
import { createAccessRuleStore } from "./access.js";
import { createAuditStore } from "./audit.js";
import { createAuthenticatorStore } from "./authenticators.js";
import { createFlowStore } from "./flows.js";
import type { Database } from "./schema.js";
import { createSessionStore } from "./sessions.js";
import { createSettingsStore } from "./settings.js";
import { createUserStore } from "./users.js";

/** Kysely on either dialect, one adapter per aggregate (core/ports/stores.ts). */
export function createStores(db: Kysely<Database>): Stores {
  return {
    users: createUserStore(db),
    flows: createFlowStore(db),
    authenticators: createAuthenticatorStore(db),
    sessions: createSessionStore(db),
    settings: createSettingsStore(db),
    audit: createAuditStore(db),
    access: createAccessRuleStore(db),
  };
}
