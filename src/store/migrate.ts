import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./migrations/0001_initial.js";
import * as userSearch from "./migrations/0002_user_search.js";
import * as rateLimits from "./migrations/0003_rate_limits.js";
import * as codes from "./migrations/0004_codes.js";
import * as setupKeys from "./migrations/0005_setup_keys.js";
import * as flows from "./migrations/0006_flows.js";
import * as oidc from "./migrations/0007_oidc.js";
import * as forwardAuth from "./migrations/0008_forward_auth.js";
import * as security from "./migrations/0010_security.js";
import * as recoveryDevices from "./migrations/0011_recovery_devices.js";
import * as account from "./migrations/0012_account.js";
import * as locale from "./migrations/0013_locale.js";
import * as refusedSteps from "./migrations/0014_refused_steps.js";
import type { Dialect } from "./schema.js";

type DialectMigration = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

// In order; a new migration is appended here and never edited once released.
const MIGRATIONS: Record<string, DialectMigration> = {
  "0001_initial": initial,
  "0002_user_search": userSearch,
  "0003_rate_limits": rateLimits,
  "0004_codes": codes,
  "0005_setup_keys": setupKeys,
  "0006_flows": flows,
  "0007_oidc": oidc,
  "0008_forward_auth": forwardAuth,
  "0010_security": security,
  "0011_recovery_devices": recoveryDevices,
  "0012_account": account,
  "0013_locale": locale,
  "0014_refused_steps": refusedSteps,
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return Object.fromEntries(
        Object.entries(MIGRATIONS).map(([name, m]) => [
          name,
          { up: (db: Kysely<unknown>) => m.up(db, dialect) },
        ]),
      );
    },
  };
}

/**
 * Brings the schema up to date. Kysely's Migrator takes a lock (an advisory lock on
 * PostgreSQL) so several instances starting at once apply each migration once.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: provider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new Error(`database migration failed: ${error instanceof Error ? error.message : error}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
