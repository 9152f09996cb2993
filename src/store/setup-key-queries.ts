import {
  type Kysely,
  type OnConflictBuilder,
  type OnConflictUpdateBuilder,
  PostgresAdapter,
  sql,
} from "kysely";
import type { Store } from "../core/ports.js";
import type { Database } from "./schema.js";

type SetupKeyQueries = Pick<
  Store,
  "getChallengeSecret" | "setChallengeSecret" | "confirmAuthenticator"
>;

// The set-up key is a column of the pending sign-in (migration 0005); it becomes the
// user's authenticator only by confirmAuthenticator, which can win once and ends the
// pending sign-in it came from.
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
    async confirmAuthenticator(input) {
      return db.getExecutor().adapter instanceof PostgresAdapter
        ? confirmOnPostgres(db, input)
        : confirmOnSqlite(db, input);
    },
  };
}

type ConfirmInput = Parameters<Store["confirmAuthenticator"]>[0];

/** The user's authenticator from this key, the step used; only while none is confirmed. */
function upsertConfirmed(
  db: Kysely<Database>,
  userId: string,
  { secretBox, step, now }: ConfirmInput,
) {
  return db
    .insertInto("authenticators")
    .values({
      user_id: userId,
      secret_box: secretBox,
      confirmed_at: now,
      last_step: step,
      created_at: now,
    })
    .onConflict(replaceUnconfirmed)
    .executeTakeFirst();
}

class NotConfirmed extends Error {}

/**
 * PostgreSQL (READ COMMITTED): an INSERT … SELECT reads the challenge as of its start, so
 * Force New Password could commit in between and the insert land after its delete (the
 * old key-holder's authenticator surviving it). Here the challenge row is DELETEd first
 * (RETURNING its user): that row lock orders the Save against Force New Password, which
 * deletes the user's challenges before their authenticator. Whoever comes second sees
 * the other's commit: a Save after it finds no row; one before it is deleted by it.
 * Then the upsert, confirmed once; when another sign-in confirmed already, the whole
 * transaction rolls back and this sign-in stays as it was.
 */
async function confirmOnPostgres(db: Kysely<Database>, input: ConfirmInput): Promise<boolean> {
  try {
    return await db.transaction().execute(async (trx) => {
      const taken = await trx
        .deleteFrom("challenges")
        .where("id_hash", "=", input.challengeIdHash)
        .where("state", "=", "setup_app")
        .where("expires_at", ">", input.now)
        .where("pending_secret_box", "=", input.secretBox)
        .returning("user_id")
        .executeTakeFirst();
      if (!taken) return false;
      const result = await upsertConfirmed(trx, taken.user_id, input);
      if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) throw new NotConfirmed();
      return true;
    });
  } catch (err) {
    if (err instanceof NotConfirmed) return false;
    throw err;
  }
}

/**
 * SQLite: one INSERT … SELECT from the challenge. Writers are serialized and a statement
 * cannot commit over a newer write (WAL: SQLITE_BUSY_SNAPSHOT), so it cannot land after
 * a Force New Password it did not see. (A transaction spanning awaits would hold the
 * write lock while another connection's busy wait blocks the one thread.) On a conflict
 * the row is replaced only while unconfirmed: of any number of racing Saves one sees an
 * affected row; that one then ends the pending sign-in, as on PostgreSQL.
 */
async function confirmOnSqlite(
  db: Kysely<Database>,
  { challengeIdHash, secretBox, step, now }: ConfirmInput,
): Promise<boolean> {
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
    .onConflict(replaceUnconfirmed)
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await db
    .deleteFrom("challenges")
    .where("id_hash", "=", challengeIdHash)
    .where("pending_secret_box", "=", secretBox)
    .execute();
  return true;
}

/** On a user's existing row: take the new key only while none is confirmed (confirm once). */
function replaceUnconfirmed(
  oc: OnConflictBuilder<Database, "authenticators">,
): OnConflictUpdateBuilder<Database, "authenticators"> {
  return oc
    .column("user_id")
    .doUpdateSet((eb) => ({
      secret_box: eb.ref("excluded.secret_box"),
      confirmed_at: eb.ref("excluded.confirmed_at"),
      last_step: eb.ref("excluded.last_step"),
      created_at: eb.ref("excluded.created_at"),
    }))
    .where("authenticators.confirmed_at", "is", null);
}
