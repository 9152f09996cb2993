import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// Issue 12: the language a user chose for pages, emails and SMS ("en", "de", "fr"); null
// follows the browser's Accept-Language on pages and DEFAULT_LOCALE in messages, which are
// written without a request (the outbox).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("users").addColumn("locale", "text").execute();
}
