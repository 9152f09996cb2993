import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Stores } from "../core/ports/stores.js";
import { migrateToLatest } from "./migrate.js";
import type { Database, Dialect } from "./schema.js";
import { createStores } from "./stores.js";

interface Opened {
  db: Kysely<Database>;
  stores: Stores;
  /** Resolves when the database answers (GET /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type OpenedDatabase =
  | (Opened & { dialect: "sqlite"; sqlite: SQLite.Database })
  | (Opened & { dialect: "postgres"; pool: pg.Pool });

function opened(db: Kysely<Database>): Opened {
  return {
    db,
    stores: createStores(db),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

// int8 (bigint) columns hold millisecond times, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function databaseDialect(url: string): Dialect {
  if (url.startsWith("sqlite:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgres";
  throw new Error(
    `DATABASE_URL must start with sqlite: or postgres:// (got "${url.split(":")[0]}:")`,
  );
}

export function openDatabase(
  url: string,
  options: { poolSize?: number; queryTimeoutMs?: number } = {},
): OpenedDatabase {
  if (databaseDialect(url) === "sqlite") {
    const path = url.slice("sqlite:".length);
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    // WAL lets readers run beside the one writer; busy_timeout waits for the lock
    // instead of failing when the CLI and the server write at once.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
    return { dialect: "sqlite", sqlite, ...opened(db) };
  }
  const queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: Math.min(3000, queryTimeoutMs),
    // A server that stops answering (a partition, not a refusal) fails the query after
    // this long, so requests answer 503 rather than hang; keepAlive finds dead idle sockets.
    query_timeout: queryTimeoutMs,
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the next
  // query fails and the request answers 503.
  pool.on("error", () => {});
  // The pool listens for errors only on idle clients. A connection that dies while a
  // client is checked out, or after a query timed out on it, emits 'error' on the client
  // with nobody listening: an uncaught exception (seen in test/multi/outage.test.ts).
  // The query in flight still fails through its own callback; this only stops the crash.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { dialect: "postgres", pool, ...opened(db) };
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely calls prepare() for every query and better-sqlite3 compiles the SQL each
 * time: ~8 % of the server's CPU in the bench's TOTP-step profile. Statements are
 * reused by their SQL text (SQLite re-prepares them itself after a schema change).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  return { close: () => sqlite.close(), prepare: cachedPrepare(sqlite) };
}

function cachedPrepare(sqlite: SQLite.Database): (sql: string) => SQLite.Statement {
  const cache = new Map<string, SQLite.Statement>();
  return (sql) => {
    const cached = cache.get(sql);
    // A statement still iterating (an unfinished stream) cannot run again: use a new one.
    if (cached && !cached.busy) return cached;
    const statement = sqlite.prepare(sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
    cache.set(sql, statement);
    return statement;
  };
}

/**
 * The better-sqlite3 surface rate-limiter-flexible's SQLite store uses, with the same
 * statement cache: it prepares its SQL on every call (~6 % of the TOTP step's CPU).
 *
 * Its only transaction (RateLimiterSQLite#_upsertTransactionBetterSQLite3, 11.4.0) wraps
 * ONE statement, `INSERT … ON CONFLICT DO UPDATE … RETURNING points, expire`, which SQLite
 * runs atomically on its own: BEGIN and COMMIT around it were two more statements per
 * consume and penalty (10 of a full sign-in's 53, issue 13). So `transaction` runs the
 * function as it is. The counting stays one conditional statement; the race tests
 * (test/contract/limits*, test/http/attempt-races.test.ts) hold it to that.
 */
export function limiterClient(sqlite: SQLite.Database): {
  prepare: (sql: string) => SQLite.Statement;
  transaction: <F extends (...args: never[]) => unknown>(fn: F) => F;
  exec: (sql: string) => void;
} {
  return {
    prepare: cachedPrepare(sqlite),
    transaction: (fn) => fn,
    exec: (sql) => {
      sqlite.exec(sql);
    },
  };
}

export async function migrate(opened: OpenedDatabase): Promise<string[]> {
  return migrateToLatest(opened.db as Kysely<unknown>, opened.dialect);
}
