import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Role, Store, UserSearch, UserSummary } from "../core/ports.js";
import type { Database } from "./schema.js";

type UserAdminQueries = Pick<Store, "searchUsers" | "countUsers" | "setUserActive">;

// The users page's queries. A prefix search is written as a range plus LIKE: the range
// lets both SQLite and PostgreSQL walk an index (users.username's unique index,
// users_email_lower), LIKE keeps the answer exact whatever the collation.
export function createUserAdminQueries(db: Kysely<Database>): UserAdminQueries {
  return {
    async searchUsers(query: UserSearch) {
      let q = db
        .selectFrom("users")
        .leftJoin("authenticators", "authenticators.user_id", "users.id")
        .selectAll("users")
        .select("authenticators.confirmed_at as app_confirmed_at")
        .orderBy("users.username", query.before !== undefined ? "desc" : "asc")
        .limit(query.limit);
      if (query.before !== undefined) {
        q = q.where("users.username", "<", withoutNul(query.before));
      } else if (query.after !== undefined) {
        q = q.where("users.username", ">", withoutNul(query.after));
      }
      const prefix = withoutNul(query.prefix ?? "").toLowerCase();
      if (prefix) q = q.where((eb) => prefixMatch(eb, prefix));
      const rows = await q.execute();
      if (query.before !== undefined) rows.reverse();
      return rows.map(
        (r): UserSummary => ({
          id: r.id,
          username: r.username,
          displayName: r.display_name,
          email: r.email,
          phone: r.phone,
          role: r.role as Role,
          passwordHash: r.password_hash,
          mustChangePassword: Number(r.must_change_password) === 1,
          active: Number(r.active) === 1,
          createdAt: Number(r.created_at),
          lastSignInAt: r.last_sign_in_at === null ? null : Number(r.last_sign_in_at),
          appSetUp: r.app_confirmed_at !== null && r.app_confirmed_at !== undefined,
        }),
      );
    },

    async countUsers(prefix) {
      let q = db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n"));
      const p = withoutNul(prefix ?? "").toLowerCase();
      if (p) q = q.where((eb) => prefixMatch(eb, p));
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async setUserActive(userId, active) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("users")
          .set({ active: active ? 1 : 0 })
          .where("id", "=", userId)
          .execute();
        if (!active) {
          await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
          await trx.deleteFrom("challenges").where("user_id", "=", userId).execute();
        }
      });
    },
  };
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

/** PostgreSQL text cannot hold NUL, and no stored name or address contains one. */
function withoutNul(value: string): string {
  return value.replace(/\0/g, "");
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
