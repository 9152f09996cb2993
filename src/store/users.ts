import { type ExpressionBuilder, type Kysely, PostgresAdapter, type Selectable, sql } from "kysely";
import type { Role } from "../core/ports/runtime.js";
import type { NewUser, User, UserPatch, UserSearch, UserStore } from "../core/ports/users.js";
import type { Database, UsersTable } from "./schema.js";
import { arg, escapeLike, inTransaction, reusable, withoutNul } from "./sql.js";

export function createUserStore(db: Kysely<Database>): UserStore {
  // The sign-in's queries, compiled once (sql.ts).
  const selectById = reusable(db, (d) =>
    d.selectFrom("users").selectAll().where("id", "=", arg(0)),
  );
  const selectByUsername = reusable(db, (d) =>
    d.selectFrom("users").selectAll().where("username", "=", arg(0)),
  );
  const updateSignIn = reusable(db, (d) =>
    d
      .updateTable("users")
      .set({ last_sign_in_at: arg(0) })
      .where("id", "=", arg(1)),
  );
  const byId = async (id: string) => {
    const row = (await selectById(id)).rows[0];
    return row && toUser(row);
  };
  return {
    async findByUsername(username) {
      // PostgreSQL text cannot hold NUL (the query would fail); no username has one.
      if (username.includes("\0")) return undefined;
      const row = (await selectByUsername(username)).rows[0];
      return row && toUser(row);
    },
    findById: byId,
    async create(user: NewUser, id: string, now: number) {
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
          locale: null,
        })
        .onConflict((oc) => oc.column("username").doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return undefined;
      return byId(id);
    },
    async update(id: string, patch: UserPatch) {
      const values: Partial<UsersTable> = {};
      if (patch.displayName !== undefined) values.display_name = patch.displayName;
      if (patch.email !== undefined) values.email = patch.email;
      if (patch.phone !== undefined) values.phone = patch.phone;
      if (patch.role !== undefined) values.role = patch.role;
      if (patch.active !== undefined) values.active = patch.active ? 1 : 0;
      if (patch.locale !== undefined) values.locale = patch.locale;
      if (Object.keys(values).length === 0) return true;
      return guarded(db, (trx) => updateKeepingAnAdministrator(trx, id, values));
    },
    async setPassword(userId, passwordHash, mustChangePassword) {
      await db
        .updateTable("users")
        .set({
          password_hash: passwordHash,
          must_change_password: mustChangePassword ? 1 : 0,
          password_expires_at: null,
        })
        .where("id", "=", userId)
        .execute();
    },
    async setTemporaryPassword(userId, passwordHash, options) {
      await inTransaction(db, async (trx) => {
        await trx
          .updateTable("users")
          .set({
            password_hash: passwordHash,
            must_change_password: options.mustChangePassword ? 1 : 0,
            password_expires_at: options.expiresAt,
          })
          .where("id", "=", userId)
          .execute();
        await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
        await trx.deleteFrom("flows").where("user_id", "=", userId).execute();
      });
    },
    async recordSignIn(userId, now) {
      await updateSignIn(now, userId);
    },

    // The users page: a prefix search is written as a range plus LIKE, so both SQLite and
    // PostgreSQL walk an index (users.username's unique index, users_email_lower) and
    // LIKE keeps the answer exact whatever the collation.
    async search(query: UserSearch) {
      let q = db
        .selectFrom("users")
        .selectAll()
        .orderBy("username", query.before !== undefined ? "desc" : "asc")
        .limit(query.limit);
      if (query.before !== undefined) {
        q = q.where("username", "<", withoutNul(query.before));
      } else if (query.after !== undefined) {
        q = q.where("username", ">", withoutNul(query.after));
      }
      const prefix = withoutNul(query.prefix ?? "").toLowerCase();
      if (prefix) q = q.where((eb) => prefixMatch(eb, prefix));
      const rows = await q.execute();
      if (query.before !== undefined) rows.reverse();
      return rows.map(toUser);
    },
    async count(prefix) {
      let q = db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n"));
      const p = withoutNul(prefix ?? "").toLowerCase();
      if (p) q = q.where((eb) => prefixMatch(eb, p));
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async setActive(userId, active) {
      // On SQLite without a caller's transaction the deletes follow the conditional UPDATE
      // as statements of their own: a crash between them leaves sessions and flows of an
      // inactive account, which are refused anyway (core/sessions.ts, loadFlow).
      return guarded(db, async (trx) => {
        const done = await updateKeepingAnAdministrator(trx, userId, { active: active ? 1 : 0 });
        if (done && !active) {
          await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
          await trx.deleteFrom("flows").where("user_id", "=", userId).execute();
          // Deactivation forgets the remembered devices (issue 11), in this transaction.
          await trx.deleteFrom("remembered_devices").where("user_id", "=", userId).execute();
        }
        return done;
      });
    },
    async forceNewPassword(userId, removal) {
      await inTransaction(db, async (trx) => {
        // Flows first: their row locks order this against a Save in flight (which
        // deletes its flow before writing the authenticator, store/authenticators.ts),
        // so the authenticator delete below sees that Save's authenticator, or the Save
        // finds its flow gone.
        await trx.deleteFrom("flows").where("user_id", "=", userId).execute();
        const removed = await trx
          .deleteFrom("authenticators")
          .where("user_id", "=", userId)
          .returning(["created_at", "confirmed_at"])
          .execute();
        // The key goes; its record stays: when it was added, confirmed, removed and by whom.
        for (const row of removed) {
          await trx
            .insertInto("authenticator_history")
            .values({
              user_id: userId,
              created_at: Number(row.created_at),
              confirmed_at: row.confirmed_at === null ? null : Number(row.confirmed_at),
              removed_at: removal.at,
              removed_by: removal.byId,
              reason: "force_new_password",
            })
            .execute();
        }
        await trx
          .updateTable("users")
          .set({ must_change_password: 1 })
          .where("id", "=", userId)
          .execute();
        await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
        // Issue 11: the recovery codes go (a new set comes with the new set-up) and every
        // remembered device is forgotten, in this transaction.
        await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
        await trx.deleteFrom("remembered_devices").where("user_id", "=", userId).execute();
      });
    },
  };
}

/**
 * PostgreSQL needs a transaction for its lock (below); SQLite does not (one statement is
 * atomic there), and a transaction held across awaits would keep its write lock while
 * another connection of this process busy-waits on the one thread (store/authenticators.ts).
 */
function guarded<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.getExecutor().adapter instanceof PostgresAdapter ? inTransaction(db, work) : work(db);
}

/**
 * Updates a user unless the change demotes or deactivates the last active administrator
 * (issue 11: the CLI can change administrators; someone must be left to run the web).
 * One conditional UPDATE: on SQLite writers are serialized, so its count is current. On
 * PostgreSQL (READ COMMITTED) two transactions could each count the other's admin still
 * active, so the active administrators' rows are locked first (FOR UPDATE): the second
 * waits, then its statement sees the first's commit and is refused.
 */
async function updateKeepingAnAdministrator(
  trx: Kysely<Database>,
  id: string,
  values: Partial<UsersTable>,
): Promise<boolean> {
  const removesAdmin =
    values.active === 0 || (values.role !== undefined && values.role !== "administrator");
  let q = trx.updateTable("users").set(values).where("id", "=", id);
  if (removesAdmin) {
    if (trx.getExecutor().adapter instanceof PostgresAdapter) {
      await trx
        .selectFrom("users")
        .select("id")
        .where("role", "=", "administrator")
        .where("active", "=", 1)
        .orderBy("id")
        .forUpdate()
        .execute();
    }
    q = q.where((eb) =>
      eb.or([
        eb("role", "<>", "administrator"),
        eb("active", "<>", 1),
        eb(
          eb
            .selectFrom("users as other")
            .select((o) => o.fn.countAll<number>().as("n"))
            .where("other.role", "=", "administrator")
            .where("other.active", "=", 1)
            .where("other.id", "<>", id),
          ">",
          0,
        ),
      ]),
    );
  }
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function prefixMatch(eb: ExpressionBuilder<Database, "users">, prefix: string) {
  const upper = nextPrefix(prefix);
  const pattern = `${escapeLike(prefix)}%`;
  const email = sql<string>`lower(${sql.ref("users.email")})`;
  const within = (column: typeof email | "users.username") =>
    eb.and([
      eb(column, ">=", prefix),
      ...(upper === undefined ? [] : [eb(column, "<", upper)]),
      eb(column, "like", sql<string>`${pattern} escape '\\'`),
    ]);
  return eb.or([within("users.username"), within(email)]);
}

/**
 * The smallest string greater than every string starting with `prefix`: "ab" → "ac".
 * Undefined when there is none (the prefix is all U+10FFFF): then no upper bound.
 */
export function nextPrefix(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return chars.join("") + String.fromCodePoint(last + 1);
  }
  return undefined;
}

export function toUser(row: Selectable<UsersTable>): User {
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
    locale: row.locale ?? null,
    passwordExpiresAt: row.password_expires_at === null ? null : Number(row.password_expires_at),
  };
}
