import { type Kysely, sql } from "kysely";
import type { Store } from "../core/ports.js";
import type { Database } from "./schema.js";

type SetupKeyQueries = Pick<
  Store,
  "getChallengeSecret" | "setChallengeSecret" | "confirmAuthenticator"
>;

// The set-up key is a column of the pending sign-in (migration 0005); it becomes the
// user's authenticator only by confirmAuthenticator, one statement that can win once.
export function createSetupKeyQueries(db: Kysely<Database>): SetupKeyQueries {
  const secretOf = async (idHash: string): Promise<string | undefined> => {
    const row = await db
      .selectFrom("challenges")
      .select("pending_secret_box")
      .where("id_hash", "=", idHash)
      .where("state", "=", "setup_app")
      .executeTakeFirst();
    return row?.pending_secret_box ?? undefined;
  };
  return {
    getChallengeSecret: secretOf,
    async setChallengeSecret(idHash, secretBox) {
      // Only when none is there: of two racing first views, both show the winner's key.
      await db
        .updateTable("challenges")
        .set({ pending_secret_box: secretBox })
        .where("id_hash", "=", idHash)
        .where("state", "=", "setup_app")
        .where("pending_secret_box", "is", null)
        .execute();
      return secretOf(idHash);
    },
    async confirmAuthenticator({ challengeIdHash, secretBox, step, now }) {
      // INSERT … SELECT from the challenge, so only the key this sign-in showed (and the
      // code was checked against) can become the authenticator. On a conflict the row is
      // replaced only while unconfirmed: of any number of racing Saves, on any number of
      // instances, one sees an affected row. The step is recorded as used in the same
      // statement (RFC 6238 §5.2), so the confirming code cannot sign in afterwards.
      const result = await db
        .insertInto("authenticators")
        .columns(["user_id", "secret_box", "confirmed_at", "last_step", "created_at"])
        .expression((eb) =>
          eb
            .selectFrom("challenges")
            .select([
              "user_id",
              "pending_secret_box",
              sql<number>`cast(${now} as bigint)`.as("confirmed_at"),
              sql<number>`cast(${step} as bigint)`.as("last_step"),
              sql<number>`cast(${now} as bigint)`.as("created_at"),
            ])
            .where("id_hash", "=", challengeIdHash)
            .where("state", "=", "setup_app")
            .where("expires_at", ">", now)
            .where("pending_secret_box", "=", secretBox),
        )
        .onConflict((oc) =>
          oc
            .column("user_id")
            .doUpdateSet((eb) => ({
              secret_box: eb.ref("excluded.secret_box"),
              confirmed_at: eb.ref("excluded.confirmed_at"),
              last_step: eb.ref("excluded.last_step"),
              created_at: eb.ref("excluded.created_at"),
            }))
            .where("authenticators.confirmed_at", "is", null),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
  };
}
