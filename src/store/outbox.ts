import type { Kysely, Selectable } from "kysely";
import type { OutboxMessage, OutboxStore } from "../core/ports/outbox.js";
import type { Database, OutboxTable } from "./schema.js";

// The transactional outbox (delivery/notices.ts sends from it). A row is claimed by one
// conditional UPDATE (free, or its lease ran out), so senders on several instances never
// hold the same message at once; a sender that dies lets the lease run out.
export function createOutboxStore(db: Kysely<Database>): OutboxStore {
  return {
    async enqueue(m, now) {
      await db
        .insertInto("outbox")
        .values({
          created_at: now,
          kind: m.kind,
          user_id: m.userId,
          channel: m.channel,
          recipient: m.to,
          subject: m.subject ?? null,
          body_text: m.text,
          body_html: m.html ?? null,
          attempts: 0,
          next_attempt_at: now,
          claimed_until: null,
          last_error: null,
        })
        .execute();
    },
    async claimDue(now, leaseMs, limit) {
      const due = await db
        .selectFrom("outbox")
        .select("id")
        .where("next_attempt_at", "<=", now)
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
        .orderBy("id")
        .limit(limit)
        .execute();
      const claimed: OutboxMessage[] = [];
      for (const { id } of due) {
        const result = await db
          .updateTable("outbox")
          .set({ claimed_until: now + leaseMs })
          .where("id", "=", id)
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) continue; // another sender has it
        const row = await db
          .selectFrom("outbox")
          .selectAll()
          .where("id", "=", id)
          .executeTakeFirst();
        if (row) claimed.push(toMessage(row));
      }
      return claimed;
    },
    async remove(id) {
      await db.deleteFrom("outbox").where("id", "=", id).execute();
    },
    async retryLater(id, nextAttemptAt, error) {
      await db
        .updateTable("outbox")
        .set((eb) => ({
          attempts: eb("attempts", "+", 1),
          next_attempt_at: nextAttemptAt,
          claimed_until: null,
          last_error: error.slice(0, 500),
        }))
        .where("id", "=", id)
        .execute();
    },
    async pending() {
      const rows = await db.selectFrom("outbox").selectAll().orderBy("id").limit(1000).execute();
      return rows.map(toMessage);
    },
  };
}

function toMessage(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: Number(row.id),
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    kind: row.kind,
    userId: row.user_id,
    channel: row.channel === "sms" ? "sms" : "email",
    to: row.recipient,
    ...(row.subject === null ? {} : { subject: row.subject }),
    text: row.body_text,
    ...(row.body_html === null ? {} : { html: row.body_html }),
  };
}
