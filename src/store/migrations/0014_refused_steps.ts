import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// Issue 13: the steps of app codes refused as "from ahead of time" (issue 11's clock-hint
// oracle fix), kept on the authenticator row the verification reads anyway, instead of
// an audit_events read on every matched code. A JSON list of step numbers; null = none.
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("authenticators").addColumn("refused_steps", "text").execute();
}
