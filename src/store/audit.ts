import type { Kysely } from "kysely";
import type { AuditStore, StoredAuditEvent } from "../core/ports/audit.js";
import type { Database } from "./schema.js";
import { arg, reusable } from "./sql.js";

// Append-only: this file inserts and reads audit_events; nothing updates or deletes them.
export function createAuditStore(db: Kysely<Database>): AuditStore {
  // Every sign-in writes one: compiled once (sql.ts).
  const insert = reusable(db, (d) =>
    d.insertInto("audit_events").values({
      at: arg(0),
      type: arg(1),
      user_id: arg(2),
      actor_id: arg(3),
      username: arg(4),
      ip: arg(5),
      detail: arg(6),
    }),
  );
  return {
    async append(e) {
      await insert(
        e.at,
        e.type,
        e.userId ?? null,
        e.actorId ?? null,
        e.username ?? null,
        e.ip ?? null,
        JSON.stringify(e.detail ?? {}),
      );
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
