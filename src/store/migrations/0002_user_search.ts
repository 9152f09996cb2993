import { type Kysely, sql } from "kysely";
import type { Dialect } from "../schema.js";

// The users page searches by username or email prefix and pages by username. Usernames
// are stored normalised (lower case) and already have a unique index; emails are
// searched case-insensitively, so they get an index on lower(email). Both dialects
// accept expression indexes with this syntax.
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createIndex("users_email_lower")
    .on("users")
    .expression(sql`lower(email)`)
    .execute();
  // The audit log's newest-first listing with an event-time filter (CLI --since).
  await db.schema.createIndex("audit_at").on("audit_events").columns(["at", "id"]).execute();
}
