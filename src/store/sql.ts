import type { Kysely } from "kysely";

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
