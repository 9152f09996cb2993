import type { Kysely } from "kysely";
import type { AuditStore, StoredAuditEvent } from "../core/ports/audit.js";
import type { Database } from "./schema.js";

// Append-only: this file inserts and reads audit_events; nothing updates or deletes them.
export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(e) {
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
    async list(query) {
      let q = db.selectFrom("audit_events").selectAll().orderBy("id", "desc").limit(query.limit);
      if (query.userId !== undefined) q = q.where("user_id", "=", query.userId);
      if (query.type !== undefined) q = q.where("type", "=", query.type);
      if (query.since !== undefined) q = q.where("at", ">=", query.since);
      if (query.until !== undefined) q = q.where("at", "<", query.until);
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
  };
}
