import { type Kysely, PostgresAdapter } from "kysely";
import type { RecoveryCodeStore } from "../core/ports/recovery-codes.js";
import type { Database } from "./schema.js";
import { inTransaction } from "./sql.js";

export function createRecoveryCodeStore(db: Kysely<Database>): RecoveryCodeStore {
  return {
    async replace(userId, codes, now) {
      await inTransaction(db, async (trx) => {
        // Two new sets at once (a double click, two instances): on PostgreSQL (READ
        // COMMITTED) each DELETE saw only the old set and both inserts stayed, 20 codes
        // and a set nobody kept. The user's row, locked first, puts them in turn. SQLite
        // runs one writer at a time already.
        if (trx.getExecutor().adapter instanceof PostgresAdapter) {
          await trx.selectFrom("users").select("id").where("id", "=", userId).forUpdate().execute();
        }
        await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
        if (codes.length === 0) return;
        await trx
          .insertInto("recovery_codes")
          .values(
            codes.map((c) => ({
              id: c.id,
              user_id: userId,
              lookup: c.lookup,
              code_hash: c.codeHash,
              created_at: now,
              used_at: null,
            })),
          )
          .execute();
      });
    },
    async find(userId, lookup) {
      const row = await db
        .selectFrom("recovery_codes")
        .select(["id", "lookup", "code_hash", "used_at"])
        .where("user_id", "=", userId)
        .where("lookup", "=", lookup)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          lookup: row.lookup,
          codeHash: row.code_hash,
          usedAt: row.used_at === null ? null : Number(row.used_at),
        }
      );
    },
    async use(id, now) {
      // One conditional UPDATE: of any number of concurrent submissions (any instance),
      // exactly one sees its row change.
      const result = await db
        .updateTable("recovery_codes")
        .set({ used_at: now })
        .where("id", "=", id)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async countLeft(userId) {
      const row = await db
        .selectFrom("recovery_codes")
        .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async deleteAll(userId) {
      await db.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
    },
  };
}
