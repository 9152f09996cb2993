import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// Issue 11, the sign-in side (docs/recovery.md):
// - recovery_codes: ten look-up secrets per user. `lookup` is the code's first group, kept
//   in clear so one attempt finds at most one row and costs one argon2id hash; the whole
//   code is stored only as its argon2id hash. `used_at` makes each single use (one
//   conditional UPDATE).
// - remembered_devices: "Remember this device": a random token in its own cookie, stored
//   as its SHA-256, rotated on every use, never living past `expires_at` (set once).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("recovery_codes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("lookup", "text", (c) => c.notNull())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .execute();
  await db.schema
    .createIndex("recovery_codes_user_lookup")
    .on("recovery_codes")
    .columns(["user_id", "lookup"])
    .execute();

  await db.schema
    .createTable("remembered_devices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("user_agent", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("remembered_devices_user")
    .on("remembered_devices")
    .column("user_id")
    .execute();
}
