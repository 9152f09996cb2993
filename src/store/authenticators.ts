import {
  type Kysely,
  type OnConflictBuilder,
  type OnConflictUpdateBuilder,
  PostgresAdapter,
  type Selectable,
  sql,
} from "kysely";
import type { Authenticator, AuthenticatorStore } from "../core/ports/authenticators.js";
import type { AuthenticatorsTable, Database } from "./schema.js";
import { arg, inTransaction, reusable } from "./sql.js";

type ConfirmInput = Parameters<AuthenticatorStore["confirm"]>[0];

// An authenticator is written only by `confirm`, from the key a flow showed; it can win
// once and ends the flow it came from.
export function createAuthenticatorStore(db: Kysely<Database>): AuthenticatorStore {
  // The verification's queries, compiled once (sql.ts).
  const selectByUser = reusable(db, (d) =>
    d.selectFrom("authenticators").selectAll().where("user_id", "=", arg(0)),
  );
  const updateStep = reusable(db, (d) =>
    d
      .updateTable("authenticators")
      .set({ last_step: arg(0) })
      .where("user_id", "=", arg(1))
      .where("confirmed_at", "is not", null)
      .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", arg(0))])),
  );
  return {
    async get(userId) {
      const row = (await selectByUser(userId)).rows[0];
      return row && toAuthenticator(row);
    },
    async history(userId) {
      const rows = await db
        .selectFrom("authenticator_history")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("id", "desc")
        .limit(50)
        .execute();
      return rows.map((r) => ({
        createdAt: Number(r.created_at),
        confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at),
        removedAt: Number(r.removed_at),
        removedBy: r.removed_by,
        reason: r.reason,
      }));
    },
    async confirmedAmong(userIds) {
      if (userIds.length === 0) return new Set();
      const rows = await db
        .selectFrom("authenticators")
        .select("user_id")
        .where("user_id", "in", [...userIds])
        .where("confirmed_at", "is not", null)
        .execute();
      return new Set(rows.map((r) => r.user_id));
    },
    async confirm(input) {
      return db.getExecutor().adapter instanceof PostgresAdapter
        ? confirmOnPostgres(db, input)
        : confirmOnSqlite(db, input);
    },
    async replace(input) {
      return inTransaction(db, async (trx) => {
        // The flow first, as in confirm and Force New Password (which deletes the user's
        // flows before their authenticator): its row orders this against a Force New
        // Password in flight. Gone (expired, ended, another tab won): nothing changes.
        const taken = await trx
          .deleteFrom("flows")
          .where("id_hash", "=", input.flowIdHash)
          .where("user_id", "=", input.userId)
          .where("purpose", "=", "enrol")
          .where("state", "=", "setup_app")
          .where("expires_at", ">", input.now)
          .where("setup_secret_box", "=", input.secretBox)
          .executeTakeFirst();
        if (Number(taken.numDeletedRows) !== 1) return false;
        const old = await trx
          .deleteFrom("authenticators")
          .where("user_id", "=", input.userId)
          .returning(["created_at", "confirmed_at"])
          .executeTakeFirst();
        if (old) {
          await trx
            .insertInto("authenticator_history")
            .values({
              user_id: input.userId,
              created_at: Number(old.created_at),
              confirmed_at: old.confirmed_at === null ? null : Number(old.confirmed_at),
              removed_at: input.now,
              removed_by: input.userId,
              reason: "replaced",
            })
            .execute();
        }
        await trx
          .insertInto("authenticators")
          .values({
            user_id: input.userId,
            secret_box: input.secretBox,
            confirmed_at: input.now,
            last_step: input.step,
            created_at: input.now,
          })
          .execute();
        return true;
      });
    },
    async useStep(userId, step) {
      // RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP.
      // Requiring a strictly newer step also refuses an older code after a newer one.
      const result = await updateStep(step, userId);
      return Number(result.numAffectedRows ?? 0n) === 1;
    },
    async refuseStep(userId, step, keepFrom) {
      // Rare (a code from ahead of time): a read, then a write iff the list is still the
      // one read; a concurrent refusal makes this one read again and add its step too.
      for (let tries = 0; tries < REFUSE_STEP_TRIES; tries++) {
        const row = (await selectByUser(userId)).rows[0];
        if (!row || row.confirmed_at === null) return;
        const kept = parseSteps(row.refused_steps).filter((s) => s >= keepFrom && s !== step);
        const next = JSON.stringify([...kept, step].sort((a, b) => a - b));
        const result = await db
          .updateTable("authenticators")
          .set({ refused_steps: next })
          .where("user_id", "=", userId)
          .where("secret_box", "=", row.secret_box)
          .where(sql<string>`coalesce(refused_steps, '')`, "=", row.refused_steps ?? "")
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) return;
      }
      // Not recorded: thrown, so the refusal (and its hint) is not shown and the attempt
      // is given back (503).
      throw new Error("refused steps: could not record the step (too many concurrent writes)");
    },
  };
}

/** Tries of refuseStep's compare-and-swap: one per concurrent refusal it may lose to. */
const REFUSE_STEP_TRIES = 50;

/** The refused steps column: a JSON list of step numbers, written only by refuseStep. */
function parseSteps(text: string | null): number[] {
  return text ? (JSON.parse(text) as number[]) : [];
}

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
 * PostgreSQL (READ COMMITTED): an INSERT … SELECT reads the flow as of its start, so
 * Force New Password could commit in between and the insert land after its delete (the
 * old key-holder's authenticator surviving it). Here the flow row is DELETEd first
 * (RETURNING its user): that row lock orders the Save against Force New Password, which
 * deletes the user's flows before their authenticator. Whoever comes second sees the
 * other's commit: a Save after it finds no row; one before it is deleted by it. Then the
 * upsert, confirmed once; when another flow confirmed already, the whole transaction
 * rolls back and this flow stays as it was.
 */
async function confirmOnPostgres(db: Kysely<Database>, input: ConfirmInput): Promise<boolean> {
  if (db.isTransaction) return confirmInSavepoint(db, input);
  try {
    return await db.transaction().execute((trx) => confirmSteps(trx, input));
  } catch (err) {
    if (err instanceof NotConfirmed) return false;
    throw err;
  }
}

async function confirmSteps(trx: Kysely<Database>, input: ConfirmInput): Promise<boolean> {
  const taken = await trx
    .deleteFrom("flows")
    .where("id_hash", "=", input.flowIdHash)
    .where("state", "=", "setup_app")
    .where("expires_at", ">", input.now)
    .where("setup_secret_box", "=", input.secretBox)
    .returning("user_id")
    .executeTakeFirst();
  if (!taken?.user_id) return false;
  const result = await upsertConfirmed(trx, taken.user_id, input);
  if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) throw new NotConfirmed();
  return true;
}

/**
 * Inside the caller's transaction (the audit event is written with the authenticator,
 * Stores.atomically): a savepoint stands in for the transaction of its own, so a Save
 * that lost to another flow rolls back its flow's delete and leaves the caller's
 * transaction usable.
 */
async function confirmInSavepoint(trx: Kysely<Database>, input: ConfirmInput): Promise<boolean> {
  await sql`savepoint confirm_authenticator`.execute(trx);
  try {
    const confirmed = await confirmSteps(trx, input);
    await sql`release savepoint confirm_authenticator`.execute(trx);
    return confirmed;
  } catch (err) {
    await sql`rollback to savepoint confirm_authenticator`.execute(trx);
    if (err instanceof NotConfirmed) return false;
    throw err;
  }
}

/**
 * SQLite: one INSERT … SELECT from the flow. Writers are serialized and a statement
 * cannot commit over a newer write (WAL: SQLITE_BUSY_SNAPSHOT), so it cannot land after
 * a Force New Password it did not see. (A transaction spanning awaits would hold the
 * write lock while another connection's busy wait blocks the one thread.) On a conflict
 * the row is replaced only while unconfirmed: of any number of racing Saves one sees an
 * affected row; that one then ends the flow, as on PostgreSQL.
 */
async function confirmOnSqlite(
  db: Kysely<Database>,
  { flowIdHash, secretBox, step, now }: ConfirmInput,
): Promise<boolean> {
  const result = await db
    .insertInto("authenticators")
    .columns(["user_id", "secret_box", "confirmed_at", "last_step", "created_at"])
    .expression((eb) =>
      eb
        .selectFrom("flows")
        .select([
          sql<string>`user_id`.as("user_id"),
          "setup_secret_box",
          sql<number>`cast(${now} as bigint)`.as("confirmed_at"),
          sql<number>`cast(${step} as bigint)`.as("last_step"),
          sql<number>`cast(${now} as bigint)`.as("created_at"),
        ])
        .where("id_hash", "=", flowIdHash)
        .where("state", "=", "setup_app")
        .where("user_id", "is not", null)
        .where("expires_at", ">", now)
        .where("setup_secret_box", "=", secretBox),
    )
    .onConflict(replaceUnconfirmed)
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await db
    .deleteFrom("flows")
    .where("id_hash", "=", flowIdHash)
    .where("setup_secret_box", "=", secretBox)
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

function toAuthenticator(row: Selectable<AuthenticatorsTable>): Authenticator {
  return {
    userId: row.user_id,
    secretBox: row.secret_box,
    confirmedAt: row.confirmed_at === null ? null : Number(row.confirmed_at),
    lastStep: row.last_step === null ? null : Number(row.last_step),
    createdAt: Number(row.created_at),
    refusedSteps: parseSteps(row.refused_steps),
  };
}
