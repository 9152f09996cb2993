import type { Kysely, Selectable } from "kysely";
import type {
  Continuation,
  Flow,
  FlowCode,
  FlowPurpose,
  FlowState,
  FlowStore,
} from "../core/ports/flows.js";
import type { Database, FlowsTable } from "./schema.js";
import { arg, reusable } from "./sql.js";

// A flow is one row: its state, its attempts, its sent code and its set-up key are
// columns, so none of them can outlive the flow or move to another one, and every
// single-use rule is one conditional statement whose affected-row count (or RETURNING
// row) says who won — on any number of instances.
export function createFlowStore(db: Kysely<Database>): FlowStore {
  const setupKeyOf = async (idHash: string): Promise<string | undefined> => {
    const row = await db
      .selectFrom("flows")
      .select("setup_secret_box")
      .where("id_hash", "=", idHash)
      .where("state", "=", "setup_app")
      .executeTakeFirst();
    return row?.setup_secret_box ?? undefined;
  };
  // Every sign-in step's queries, compiled once (sql.ts).
  const insert = reusable(db, (d) =>
    d.insertInto("flows").values({
      id_hash: arg(0),
      user_id: arg(1),
      purpose: arg(2),
      state: arg(3),
      continuation: arg(4),
      session_id_hash: arg(5),
      created_at: arg(6),
      expires_at: arg(7),
      failed_codes: arg(8),
    }),
  );
  const selectLive = reusable(db, (d) =>
    d
      .selectFrom("flows")
      .selectAll()
      .where("id_hash", "=", arg(0))
      .where("expires_at", ">", arg(1)),
  );
  const deleteInState = reusable(db, (d) =>
    d.deleteFrom("flows").where("id_hash", "=", arg(0)).where("state", "=", arg(1)).returningAll(),
  );
  const countAttempt = reusable(db, (d) =>
    d
      .updateTable("flows")
      .set((eb) => ({ failed_codes: eb("failed_codes", "+", 1) }))
      .where("id_hash", "=", arg(0))
      .where("failed_codes", "<", arg(1))
      .returning("failed_codes"),
  );
  return {
    async create(f: Flow) {
      await insert(
        f.idHash,
        f.userId,
        f.purpose,
        f.state,
        JSON.stringify(f.continuation),
        f.sessionIdHash,
        f.createdAt,
        f.expiresAt,
        f.failedCodes,
      );
    },
    async find(idHash, now) {
      const row = (await selectLive(idHash, now)).rows[0];
      return row && toFlow(row);
    },
    async advance(idHash, from, to, newIdHash, userId) {
      let q = db
        .updateTable("flows")
        .set(
          userId === undefined
            ? { id_hash: newIdHash, state: to }
            : { id_hash: newIdHash, state: to, user_id: userId },
        )
        .where("id_hash", "=", idHash)
        .where("state", "=", from);
      if (userId !== undefined) q = q.where("user_id", "is", null);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async take(idHash, state) {
      const row = (await deleteInState(idHash, state)).rows[0];
      return row && toFlow(row);
    },
    async delete(idHash) {
      await db.deleteFrom("flows").where("id_hash", "=", idHash).execute();
    },
    async deleteForUser(userId, keepSessionIdHash) {
      let q = db.deleteFrom("flows").where("user_id", "=", userId);
      if (keepSessionIdHash !== undefined) {
        q = q.where((eb) =>
          eb.or([
            eb("session_id_hash", "is", null),
            eb("session_id_hash", "<>", keepSessionIdHash),
          ]),
        );
      }
      await q.execute();
    },

    // A code attempt is counted before the code is checked, by one conditional UPDATE: of
    // any number of concurrent submissions at most `max` get a row.
    async reserveAttempt(idHash, max) {
      const row = (await countAttempt(idHash, max)).rows[0];
      return row && Number(row.failed_codes);
    },
    async refundAttempt(idHash) {
      await db
        .updateTable("flows")
        .set((eb) => ({ failed_codes: eb("failed_codes", "-", 1) }))
        .where("id_hash", "=", idHash)
        .where("failed_codes", ">", 0)
        .execute();
    },

    // A new code replaces the last one and leaves failed_codes alone.
    async setCode(idHash, code: FlowCode) {
      const result = await db
        .updateTable("flows")
        .set({
          code_hmac: code.hmac,
          code_method: code.method,
          code_sent_at: code.sentAt,
          code_expires_at: code.expiresAt,
        })
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async getCode(idHash) {
      const row = await db
        .selectFrom("flows")
        .select(["code_hmac", "code_method", "code_sent_at", "code_expires_at"])
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      if (!row?.code_hmac || row.code_sent_at === null || row.code_expires_at === null) {
        return undefined;
      }
      return {
        hmac: row.code_hmac,
        method: row.code_method === "sms" ? "sms" : "email",
        sentAt: Number(row.code_sent_at),
        expiresAt: Number(row.code_expires_at),
      };
    },
    async useCode(idHash, hmac, now) {
      // One conditional UPDATE: of two concurrent submissions of one code, on any number
      // of instances, only one sees an affected row.
      const result = await db
        .updateTable("flows")
        .set({ code_hmac: null })
        .where("id_hash", "=", idHash)
        // A second factor's code, or the email proof before a forced change (issue 14).
        .where("state", "in", ["verify", "prove_email"])
        .where("code_hmac", "=", hmac)
        .where("code_expires_at", ">", now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async clearCode(idHash, hmac) {
      await db
        .updateTable("flows")
        .set({ code_hmac: null, code_method: null, code_sent_at: null, code_expires_at: null })
        .where("id_hash", "=", idHash)
        .where("code_hmac", "=", hmac)
        .execute();
    },

    getSetupKey: setupKeyOf,
    async setSetupKey(idHash, secretBox) {
      // Only when none is there: of two racing first views, both show the winner's key.
      await db
        .updateTable("flows")
        .set({ setup_secret_box: secretBox })
        .where("id_hash", "=", idHash)
        .where("state", "=", "setup_app")
        .where("setup_secret_box", "is", null)
        .execute();
      return setupKeyOf(idHash);
    },

    async deleteExpired(now) {
      const result = await db.deleteFrom("flows").where("expires_at", "<=", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function toFlow(row: Selectable<FlowsTable>): Flow {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    purpose: row.purpose as FlowPurpose,
    state: row.state as FlowState,
    continuation: JSON.parse(row.continuation) as Continuation,
    sessionIdHash: row.session_id_hash,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    failedCodes: Number(row.failed_codes),
  };
}
