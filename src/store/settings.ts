import type { Kysely } from "kysely";
import type { SettingsStore } from "../core/ports/settings.js";
import type { Database } from "./schema.js";
import { arg, reusable } from "./sql.js";

export function createSettingsStore(db: Kysely<Database>): SettingsStore {
  // Read on every sign-in step (the policy): compiled once (sql.ts).
  const selectValue = reusable(db, (d) =>
    d.selectFrom("settings").select("value").where("key", "=", arg(0)),
  );
  return {
    async get(key) {
      const row = (await selectValue(key)).rows[0];
      return row?.value;
    },
    async getMany(keys) {
      const rows = await db
        .selectFrom("settings")
        .select(["key", "value"])
        .where("key", "in", [...keys])
        .execute();
      return new Map(rows.map((r) => [r.key, r.value]));
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
