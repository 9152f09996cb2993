import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// Forward-auth (issue 10, docs/integrate.md). A reverse proxy asks Vestibule whether a
// request may pass; the browser proves itself with a cookie of its own on the cookie
// domain. That cookie names the same session row as the Vestibule session cookie, by a
// second token whose hash is `forward_id_hash`: ending the session ends both, and the
// forward cookie (seen by every application on the domain) never opens Vestibule's pages.
//
// `forward_access` holds the per-host rules (`vestibule access set HOST --roles …`).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("forward_id_hash", "text").execute();
  await db.schema
    .createIndex("sessions_forward_id_hash")
    .unique()
    .on("sessions")
    .column("forward_id_hash")
    .execute();
  await db.schema
    .createTable("forward_access")
    .addColumn("host", "text", (c) => c.primaryKey())
    .addColumn("roles", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}
