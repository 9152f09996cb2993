import type { Kysely } from "kysely";
import type { SettingsStore } from "../core/ports/settings.js";
import type { Database } from "./schema.js";

export function createSettingsStore(db: Kysely<Database>): SettingsStore {
  return {
    async get(key) {
      const row = await db
        .selectFrom("settings")
        .select("value")
        .where("key", "=", key)
        .executeTakeFirst();
      return row?.value;
    },
    async set(key, value) {
      await db
        .insertInto("settings")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
        .execute();
    },
  };
}
