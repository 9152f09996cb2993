import type { Kysely } from "kysely";
import type { ChallengeCode, Store } from "../core/ports.js";
import type { Database } from "./schema.js";

type CodeQueries = Pick<
  Store,
  "setChallengeCode" | "getChallengeCode" | "useChallengeCode" | "clearChallengeCode"
>;

// Codes are columns of the challenge row (migration 0004), so a code cannot outlive or
// move to another pending sign-in, and failed_codes is left alone when a code is replaced.
export function createCodeQueries(db: Kysely<Database>): CodeQueries {
  return {
    async setChallengeCode(idHash, code: ChallengeCode) {
      const result = await db
        .updateTable("challenges")
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
    async getChallengeCode(idHash) {
      const row = await db
        .selectFrom("challenges")
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
    async useChallengeCode(idHash, hmac, now) {
      // One conditional UPDATE: of two concurrent submissions of one code, on any number
      // of instances, only one sees an affected row.
      const result = await db
        .updateTable("challenges")
        .set({ code_hmac: null })
        .where("id_hash", "=", idHash)
        .where("state", "=", "verify")
        .where("code_hmac", "=", hmac)
        .where("code_expires_at", ">", now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async clearChallengeCode(idHash, hmac) {
      await db
        .updateTable("challenges")
        .set({ code_hmac: null, code_method: null, code_sent_at: null, code_expires_at: null })
        .where("id_hash", "=", idHash)
        .where("code_hmac", "=", hmac)
        .execute();
    },
  };
}
