import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// Email/SMS verification codes live on the pending sign-in itself: the row is the
// binding to this challenge and user, it goes when the challenge goes (success, expiry,
// Force New Password), and advanceChallenge keeps it when the cookie id rotates.
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds a single column.
  await db.schema.alterTable("challenges").addColumn("code_hmac", "text").execute();
  await db.schema.alterTable("challenges").addColumn("code_method", "text").execute();
  await db.schema.alterTable("challenges").addColumn("code_sent_at", "bigint").execute();
  await db.schema.alterTable("challenges").addColumn("code_expires_at", "bigint").execute();
}
