import { type Kysely, type Selectable, sql } from "kysely";
import type {
  AuditEvent,
  AuditQuery,
  Authenticator,
  Challenge,
  ChallengeState,
  NewUser,
  Role,
  Session,
  Store,
  StoredAuditEvent,
  User,
  UserListQuery,
  UserPatch,
} from "../core/ports.js";
import { createAttemptQueries } from "./attempt-queries.js";
import { createCodeQueries } from "./code-queries.js";
import type { AuthenticatorsTable, ChallengesTable, Database, UsersTable } from "./schema.js";
import { createSetupKeyQueries } from "./setup-key-queries.js";
import { createUserAdminQueries } from "./user-admin-queries.js";

// Kysely on either dialect. Every single-use rule is one conditional statement whose
// affected-row count (or RETURNING row) says who won, so it holds across processes.
export function createKyselyStore(db: Kysely<Database>, close: () => Promise<void>): Store {
  return {
    async ping() {
      await sql`select 1`.execute(db);
    },
    close,

    async findUserByUsername(username) {
      // PostgreSQL text cannot hold NUL (the query would fail); no username has one.
      if (username.includes("\0")) return undefined;
      const row = await db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", username)
        .executeTakeFirst();
      return row && toUser(row);
    },
    async findUserById(id) {
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toUser(row);
    },
    async createUser(user: NewUser, id: string, now: number) {
      const result = await db
        .insertInto("users")
        .values({
          id,
          username: user.username,
          display_name: user.displayName ?? null,
          email: user.email ?? null,
          phone: user.phone ?? null,
          role: user.role,
          password_hash: user.passwordHash,
          must_change_password: user.mustChangePassword ? 1 : 0,
          active: 1,
          created_at: now,
          last_sign_in_at: null,
        })
        .onConflict((oc) => oc.column("username").doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return undefined;
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toUser(row);
    },
    async updateUser(id: string, patch: UserPatch) {
      const values: Partial<UsersTable> = {};
      if (patch.displayName !== undefined) values.display_name = patch.displayName;
      if (patch.email !== undefined) values.email = patch.email;
      if (patch.phone !== undefined) values.phone = patch.phone;
      if (patch.role !== undefined) values.role = patch.role;
      if (patch.active !== undefined) values.active = patch.active ? 1 : 0;
      if (Object.keys(values).length === 0) return;
      await db.updateTable("users").set(values).where("id", "=", id).execute();
    },
    async listUsers(query: UserListQuery) {
      let q = db.selectFrom("users").selectAll().orderBy("username").limit(query.limit);
      if (query.after !== undefined) q = q.where("username", ">", query.after);
      if (query.search) {
        const pattern = `${escapeLike(query.search.toLowerCase())}%`;
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(username)`, "like", sql`${pattern} escape '\\'`),
            eb(sql`lower(email)`, "like", sql`${pattern} escape '\\'`),
          ]),
        );
      }
      return (await q.execute()).map(toUser);
    },
    async setPassword(userId, passwordHash, mustChangePassword) {
      await db
        .updateTable("users")
        .set({ password_hash: passwordHash, must_change_password: mustChangePassword ? 1 : 0 })
        .where("id", "=", userId)
        .execute();
    },
    async recordSignIn(userId, now) {
      await db
        .updateTable("users")
        .set({ last_sign_in_at: now })
        .where("id", "=", userId)
        .execute();
    },

    async getSetting(key) {
      const row = await db
        .selectFrom("settings")
        .select("value")
        .where("key", "=", key)
        .executeTakeFirst();
      return row?.value;
    },
    async setSetting(key, value) {
      await db
        .insertInto("settings")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
        .execute();
    },

    async getAuthenticator(userId) {
      const row = await db
        .selectFrom("authenticators")
        .selectAll()
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return row && toAuthenticator(row);
    },
    async useTotpStep(userId, step) {
      // RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP.
      // Requiring a strictly newer step also refuses an older code after a newer one.
      const result = await db
        .updateTable("authenticators")
        .set({ last_step: step })
        .where("user_id", "=", userId)
        .where("confirmed_at", "is not", null)
        .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async createChallenge(c: Challenge) {
      await db
        .insertInto("challenges")
        .values({
          id_hash: c.idHash,
          user_id: c.userId,
          state: c.state,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          failed_codes: c.failedCodes,
        })
        .execute();
    },
    async findChallenge(idHash, now) {
      const row = await db
        .selectFrom("challenges")
        .selectAll()
        .where("id_hash", "=", idHash)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row && toChallenge(row);
    },
    async advanceChallenge(idHash, from, to, newIdHash) {
      const result = await db
        .updateTable("challenges")
        .set({ id_hash: newIdHash, state: to })
        .where("id_hash", "=", idHash)
        .where("state", "=", from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async addFailedCode(idHash) {
      const row = await db
        .updateTable("challenges")
        .set((eb) => ({ failed_codes: eb("failed_codes", "+", 1) }))
        .where("id_hash", "=", idHash)
        .returning("failed_codes")
        .executeTakeFirst();
      return row && Number(row.failed_codes);
    },
    async takeChallenge(idHash, state) {
      const row = await db
        .deleteFrom("challenges")
        .where("id_hash", "=", idHash)
        .where("state", "=", state)
        .returningAll()
        .executeTakeFirst();
      return row && toChallenge(row);
    },
    async deleteChallenge(idHash) {
      await db.deleteFrom("challenges").where("id_hash", "=", idHash).execute();
    },

    async createSession(s: Session) {
      await db
        .insertInto("sessions")
        .values({
          id_hash: s.idHash,
          user_id: s.userId,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
        })
        .execute();
    },
    async findSession(idHash, now) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("id_hash", "=", idHash)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return (
        row && {
          idHash: row.id_hash,
          userId: row.user_id,
          createdAt: Number(row.created_at),
          expiresAt: Number(row.expires_at),
        }
      );
    },
    async deleteSession(idHash) {
      await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    },

    async forceNewPassword(userId) {
      await db.transaction().execute(async (trx) => {
        // Challenges first: their row locks order this against a Save in flight (which
        // deletes its challenge before writing the authenticator, setup-key-queries.ts),
        // so the authenticator delete below sees that Save's authenticator, or the Save
        // finds its challenge gone.
        await trx.deleteFrom("challenges").where("user_id", "=", userId).execute();
        await trx.deleteFrom("authenticators").where("user_id", "=", userId).execute();
        await trx
          .updateTable("users")
          .set({ must_change_password: 1 })
          .where("id", "=", userId)
          .execute();
        await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
      });
    },

    ...createUserAdminQueries(db),
    ...createCodeQueries(db),
    ...createSetupKeyQueries(db),
    ...createAttemptQueries(db),

    async appendAudit(e: AuditEvent) {
      await db
        .insertInto("audit_events")
        .values({
          at: e.at,
          type: e.type,
          user_id: e.userId ?? null,
          actor_id: e.actorId ?? null,
          username: e.username ?? null,
          ip: e.ip ?? null,
          detail: JSON.stringify(e.detail ?? {}),
        })
        .execute();
    },
    async listAudit(query: AuditQuery) {
      let q = db.selectFrom("audit_events").selectAll().orderBy("id", "desc").limit(query.limit);
      if (query.userId !== undefined) q = q.where("user_id", "=", query.userId);
      if (query.type !== undefined) q = q.where("type", "=", query.type);
      if (query.since !== undefined) q = q.where("at", ">=", query.since);
      if (query.beforeId !== undefined) q = q.where("id", "<", query.beforeId);
      return (await q.execute()).map(
        (r): StoredAuditEvent => ({
          id: Number(r.id),
          at: Number(r.at),
          type: r.type,
          userId: r.user_id,
          actorId: r.actor_id,
          username: r.username,
          ip: r.ip,
          detail: JSON.parse(r.detail) as Record<string, unknown>,
        }),
      );
    },

    async sweepExpired(now) {
      const s = await db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
      const c = await db.deleteFrom("challenges").where("expires_at", "<=", now).executeTakeFirst();
      return Number(s.numDeletedRows) + Number(c.numDeletedRows);
    },
  };
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    role: row.role as Role,
    passwordHash: row.password_hash,
    mustChangePassword: Number(row.must_change_password) === 1,
    active: Number(row.active) === 1,
    createdAt: Number(row.created_at),
    lastSignInAt: row.last_sign_in_at === null ? null : Number(row.last_sign_in_at),
  };
}

function toChallenge(row: Selectable<ChallengesTable>): Challenge {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    state: row.state as ChallengeState,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    failedCodes: Number(row.failed_codes),
  };
}

function toAuthenticator(row: Selectable<AuthenticatorsTable>): Authenticator {
  return {
    userId: row.user_id,
    secretBox: row.secret_box,
    confirmedAt: row.confirmed_at === null ? null : Number(row.confirmed_at),
    lastStep: row.last_step === null ? null : Number(row.last_step),
    createdAt: Number(row.created_at),
  };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
