import type { Kysely, Selectable } from "kysely";
import type { Amr, Session, SessionStore } from "../core/ports/sessions.js";
import type { Database, SessionsTable } from "./schema.js";

export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    async create(s) {
      await db
        .insertInto("sessions")
        .values({
          id_hash: s.idHash,
          user_id: s.userId,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          auth_time: s.authTime,
          amr: s.amr.join(","),
          last_seen_at: s.lastSeenAt ?? s.createdAt,
          ip: s.ip ?? null,
          user_agent: s.userAgent ?? null,
        })
        .execute();
    },
    async find(idHash, now) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("id_hash", "=", idHash)
        .where("expires_at", ">", now)
        .executeTakeFirst();
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
    async describe(idHash, client) {
      await db
        .updateTable("sessions")
        .set({ ip: client.ip, user_agent: client.userAgent?.slice(0, 256) ?? null })
        .where("id_hash", "=", idHash)
        .execute();
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
