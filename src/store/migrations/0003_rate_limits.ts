import { type Kysely, sql } from "kysely";
import type { Dialect } from "../schema.js";

/**
 * The table rate-limiter-flexible's RateLimiterPostgres uses when there is no Redis.
 * Every limiter shares it (its keys carry the limiter's name as a prefix). Created here,
 * under the migration lock, and the limiters are built with tableCreated: true, so
 * several instances starting at once never race on CREATE TABLE. SQLite serves one
 * process and RateLimiterSQLite creates its own tables, so nothing is needed there.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== "postgres") return;
  // The library's own column layout (RateLimiterPostgres#_getCreateTableStmt).
  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expire", "bigint")
    .execute();
  await sql`create index rate_limits_expire on rate_limits (expire)`.execute(db);
}
