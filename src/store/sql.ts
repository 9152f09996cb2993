import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";

// Small helpers every query file shares.

/** LIKE pattern text with its wildcards (and the escape character) escaped by "\". */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** PostgreSQL text cannot hold NUL, and no stored name or address contains one. */
export function withoutNul(value: string): string {
  return value.replace(/\0/g, "");
}

/**
 * Runs `work` in a transaction, or in the one `db` already is (a store method called
 * inside Stores.atomically): Kysely cannot nest transactions, and the caller's must hold.
 */
export function inTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

const SLOT = "\u0000vestibule:argument:";

/**
 * Stands for argument `index` in a query built once by `reusable`. Typed `never` so it
 * fits any column: the value's type is the store method's to check, at the call.
 */
export function arg(index: number): never {
  return `${SLOT}${index}` as never;
}

/**
 * A hot-path query built and compiled once per Kysely instance (on its first run), then
 * run with each call's values: Kysely builds and compiles a query anew on every call,
 * about half of its own cost per statement (issue 13). `build` writes `arg(i)` where
 * argument i goes; every other value is fixed. The SQL text is the same either way, so
 * it also meets the SQLite statement cache (open.ts).
 */
export function reusable<DB, R>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>) => Compilable<R>,
): (...args: unknown[]) => Promise<QueryResult<R>> {
  let compiled: CompiledQuery<R> | undefined;
  let sources: number[] = [];
  return (...args) => {
    if (compiled === undefined) {
      const query = build(db).compile();
      sources = query.parameters.map((p) =>
        typeof p === "string" && p.startsWith(SLOT) ? Number(p.slice(SLOT.length)) : -1,
      );
      // Every argument must be a bound parameter, never part of the SQL text.
      const used = new Set(sources.filter((s) => s >= 0));
      if (query.sql.includes(SLOT) || used.size !== args.length) {
        return Promise.reject(new Error(`reusable: arguments not all bound in ${query.sql}`));
      }
      compiled = query;
    }
    const fixed = compiled.parameters;
    const parameters = sources.map((s, i) => (s >= 0 ? args[s] : fixed[i]));
    return db.executeQuery({
      query: compiled.query,
      queryId: compiled.queryId,
      sql: compiled.sql,
      parameters,
    });
  };
}

/**
 * `reusable` for a query written once at module level and run on whichever Kysely
 * instance the caller holds: compiled once per instance.
 */
export function reusableOn<DB, R>(
  build: (db: Kysely<DB>) => Compilable<R>,
): (db: Kysely<DB>, ...args: unknown[]) => Promise<QueryResult<R>> {
  const perDb = new WeakMap<Kysely<DB>, (...args: unknown[]) => Promise<QueryResult<R>>>();
  return (db, ...args) => {
    let run = perDb.get(db);
    if (run === undefined) {
      run = reusable(db, build);
      perDb.set(db, run);
    }
    return run(...args);
  };
}
