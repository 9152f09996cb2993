import { type Kysely, sql } from "kysely";
import type { Dialect } from "../schema.js";

// Issue 14 (the security audit):
// - sessions remember when they were last used, for the idle timeout (SESSION_IDLE_SECONDS);
// - the outbox: notifications queued in the transaction of the change they tell about,
//   sent after commit and retried until sent (delivery/notices.ts);
// - authenticator_history: an authenticator removed by Force New Password keeps its
//   record (when added, when removed, by whom), without its key.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable("sessions")
    .addColumn("last_seen_at", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // Sessions from before: last seen when they began (an idle one ends at its next use).
  await sql`update sessions set last_seen_at = created_at`.execute(db);

  const id = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (c) =>
        dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

  await id("outbox")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    // The audit event type the message tells about (for the operator reading the table).
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("user_id", "text")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("subject", "text")
    .addColumn("body_text", "text", (c) => c.notNull())
    .addColumn("body_html", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    /** A sender on some instance holds the row until then (a lease, not a lock). */
    .addColumn("claimed_until", "bigint")
    .addColumn("last_error", "text")
    .execute();
  await db.schema.createIndex("outbox_due").on("outbox").column("next_attempt_at").execute();

  await id("authenticator_history")
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("confirmed_at", "bigint")
    .addColumn("removed_at", "bigint", (c) => c.notNull())
    .addColumn("removed_by", "text")
    .addColumn("reason", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("authenticator_history_user")
    .on("authenticator_history")
    .columns(["user_id", "id"])
    .execute();
}
