import { type Kysely, sql } from "kysely";
import type { Dialect } from "../schema.js";

// The key shown on the set-up screen lives on the pending sign-in, not on the user: a
// new sign-in gets a new key, so a key seen by whoever held the password before the
// user (a temporary password, the password before Force New Password) is never the one
// the user confirms. It goes when the challenge goes (success, expiry, Force New Password).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("challenges").addColumn("pending_secret_box", "text").execute();
  // Per-user pending keys from before may have been seen by someone else: drop them.
  await sql`delete from authenticators where confirmed_at is null`.execute(db);
}
