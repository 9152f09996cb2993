import type { Kysely } from "kysely";
import type { Store } from "../core/ports.js";
import type { Database } from "./schema.js";

type AttemptQueries = Pick<Store, "reserveCodeAttempt" | "refundCodeAttempt">;

// A code attempt is counted before the code is checked, by one conditional UPDATE: of any
// number of concurrent submissions (on any number of instances) at most `max` get a row.
export function createAttemptQueries(db: Kysely<Database>): AttemptQueries {
  return {
    async reserveCodeAttempt(idHash, max) {
      const row = await db
        .updateTable("challenges")
        .set((eb) => ({ failed_codes: eb("failed_codes", "+", 1) }))
        .where("id_hash", "=", idHash)
        .where("failed_codes", "<", max)
        .returning("failed_codes")
        .executeTakeFirst();
      return row && Number(row.failed_codes);
    },
    async refundCodeAttempt(idHash) {
      await db
        .updateTable("challenges")
        .set((eb) => ({ failed_codes: eb("failed_codes", "-", 1) }))
        .where("id_hash", "=", idHash)
        .where("failed_codes", ">", 0)
        .execute();
    },
  };
}
