import type { Kysely, Selectable } from "kysely";
import type { DeviceStore, RememberedDevice } from "../core/ports/devices.js";
import type { Database, RememberedDevicesTable } from "./schema.js";
import { withoutNul } from "./sql.js";

/** What is kept of a browser's description: enough to recognise it in a list. */
const MAX_USER_AGENT = 256;

export function createDeviceStore(db: Kysely<Database>): DeviceStore {
  return {
    async create(d) {
      await db
        .insertInto("remembered_devices")
        .values({
          id: d.id,
          user_id: d.userId,
          token_hash: d.tokenHash,
          created_at: d.createdAt,
          last_used_at: d.lastUsedAt,
          expires_at: d.expiresAt,
          user_agent: withoutNul(d.userAgent).slice(0, MAX_USER_AGENT),
          ip: withoutNul(d.ip),
        })
        .execute();
    },
    async findByToken(tokenHash, now) {
      const row = await db
        .selectFrom("remembered_devices")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row && toDevice(row);
    },
    async rotate(oldTokenHash, newTokenHash, use) {
      // A compare-and-swap on the token: a copied cookie used twice gets through once.
      // expires_at is not in the SET list: use never extends a device's life.
      const result = await db
        .updateTable("remembered_devices")
        .set({
          token_hash: newTokenHash,
          last_used_at: use.now,
          ip: withoutNul(use.ip),
          user_agent: withoutNul(use.userAgent).slice(0, MAX_USER_AGENT),
        })
        .where("token_hash", "=", oldTokenHash)
        .where("expires_at", ">", use.now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listForUser(userId, now) {
      const rows = await db
        .selectFrom("remembered_devices")
        .selectAll()
        .where("user_id", "=", userId)
        .where("expires_at", ">", now)
        .orderBy("last_used_at", "desc")
        .limit(100)
        .execute();
      return rows.map(toDevice);
    },
    async forget(userId, deviceId) {
      const result = await db
        .deleteFrom("remembered_devices")
        .where("user_id", "=", userId)
        .where("id", "=", deviceId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async forgetAll(userId) {
      const result = await db
        .deleteFrom("remembered_devices")
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async deleteExpired(now) {
      const result = await db
        .deleteFrom("remembered_devices")
        .where("expires_at", "<=", now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toDevice(row: Selectable<RememberedDevicesTable>): RememberedDevice {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    expiresAt: Number(row.expires_at),
    userAgent: row.user_agent,
    ip: row.ip,
  };
}
