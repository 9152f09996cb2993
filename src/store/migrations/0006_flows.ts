import { type Kysely, sql } from "kysely";
import type { Dialect } from "../schema.js";

// One name for a pending sign-in everywhere: a flow (issue 9). The `challenges` table
// becomes `flows`, with a purpose (signin, enrol, step-up), a continuation (where the
// browser goes when it ends), the session an enrol/step-up belongs to, and a user that
// may be unknown until the password (a flow started by an application's request).
// Pending sign-ins live ten minutes and are not carried over: a browser caught mid-way
// by the upgrade signs in again.
//
// Sessions remember when and how their user proved who they are (auth_time, amr).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.dropTable("challenges").execute();
  await db.schema
    .createTable("flows")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("continuation", "text", (c) => c.notNull())
    .addColumn("session_id_hash", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("failed_codes", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("code_hmac", "text")
    .addColumn("code_method", "text")
    .addColumn("code_sent_at", "bigint")
    .addColumn("code_expires_at", "bigint")
    .addColumn("setup_secret_box", "text")
    .execute();
  await db.schema.createIndex("flows_user").on("flows").column("user_id").execute();
  await db.schema.createIndex("flows_expiry").on("flows").column("expires_at").execute();

  // One column per statement: SQLite's ALTER TABLE adds a single column.
  await db.schema
    .alterTable("sessions")
    .addColumn("auth_time", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("sessions")
    .addColumn("amr", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  // Sessions from before: proven when they began, by means not recorded.
  await sql`update sessions set auth_time = created_at`.execute(db);
}
