import type { Kysely, Selectable } from "kysely";
import type { Amr, Session, SessionStore } from "../core/ports/sessions.js";
import type { Database, SessionsTable } from "./schema.js";
import { arg, reusable } from "./sql.js";

export function createSessionStore(db: Kysely<Database>): SessionStore {
  // The sign-in's and every signed-in page's queries, compiled once (sql.ts).
  const insert = reusable(db, (d) =>
    d.insertInto("sessions").values({
      id_hash: arg(0),
      user_id: arg(1),
      created_at: arg(2),
      expires_at: arg(3),
      auth_time: arg(4),
      amr: arg(5),
      last_seen_at: arg(6),
      ip: arg(7),
      user_agent: arg(8),
    }),
  );
  const selectLive = reusable(db, (d) =>
    d
      .selectFrom("sessions")
      .selectAll()
      .where("id_hash", "=", arg(0))
      .where("expires_at", ">", arg(1)),
  );
  return {
    async create(s) {
      await insert(
        s.idHash,
        s.userId,
        s.createdAt,
        s.expiresAt,
        s.authTime,
        s.amr.join(","),
        s.lastSeenAt ?? s.createdAt,
        s.ip ?? null,
        s.userAgent?.slice(0, 256) ?? null,
      );
    },
    async find(idHash, now) {
      const row = (await selectLive(idHash, now)).rows[0];
      return row && toSession(row);
    },
    async touch(idHash, now) {
      await db
        .updateTable("sessions")
        .set({ last_seen_at: now })
        .where("id_hash", "=", idHash)
        .execute();
    },
    async listForUser(userId, now, seenSince) {
      let q = db
        .selectFrom("sessions")
        .selectAll()
        .where("user_id", "=", userId)
        .where("expires_at", ">", now);
      if (seenSince !== undefined) q = q.where("last_seen_at", ">", seenSince);
      const rows = await q.orderBy("created_at", "desc").limit(50).execute();
      return rows.map(toSession);
    },
    async delete(idHash) {
      await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    },
    async deleteOthers(userId, keepIdHash) {
      const result = await db
        .deleteFrom("sessions")
        .where("user_id", "=", userId)
        .where("id_hash", "<>", keepIdHash)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async reprove(idHash, authTime, amr) {
      const result = await db
        .updateTable("sessions")
        .set({ auth_time: authTime, amr: amr.join(",") })
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async setForward(idHash, forwardIdHash) {
      const result = await db
        .updateTable("sessions")
        .set({ forward_id_hash: forwardIdHash })
        .where("id_hash", "=", idHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async findByForward(forwardIdHash, now) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("forward_id_hash", "=", forwardIdHash)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row && toSession(row);
    },
    async deleteExpired(now, seenSince) {
      const result = await db
        .deleteFrom("sessions")
        .where((eb) =>
          seenSince === undefined
            ? eb("expires_at", "<=", now)
            : eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<=", seenSince)]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    authTime: Number(row.auth_time),
    amr: row.amr === "" ? [] : (row.amr.split(",") as Amr[]),
    lastSeenAt: Number(row.last_seen_at),
    // Only where known (sessions from before migration 0012 have neither).
    ...(row.ip !== null ? { ip: row.ip } : {}),
    ...(row.user_agent !== null ? { userAgent: row.user_agent } : {}),
  };
}
