import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// Issue 11 (the account page, temporary passwords):
// - a session remembers where it began (address, browser), for the account page's list;
// - a temporary password set by staff is refused after this time (72 hours) at sign-in.
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("ip", "text").execute();
  await db.schema.alterTable("sessions").addColumn("user_agent", "text").execute();
  await db.schema.alterTable("users").addColumn("password_expires_at", "bigint").execute();
}
