import type { Kysely, Selectable } from "kysely";
import type { AccessRule, AccessRuleStore } from "../core/ports/access.js";
import type { Role } from "../core/ports/runtime.js";
import type { Database, ForwardAccessTable } from "./schema.js";

export function createAccessRuleStore(db: Kysely<Database>): AccessRuleStore {
  const find = async (host: string) => {
    const row = await db
      .selectFrom("forward_access")
      .selectAll()
      .where("host", "=", host)
      .executeTakeFirst();
    return row && toRule(row);
  };
  return {
    async set(rule) {
      const before = await find(rule.host);
      const values = { roles: rule.roles.join(","), updated_at: rule.updatedAt };
      await db
        .insertInto("forward_access")
        .values({ host: rule.host, ...values })
        .onConflict((oc) => oc.column("host").doUpdateSet(values))
        .execute();
      return before;
    },
    find,
    async list() {
      const rows = await db.selectFrom("forward_access").selectAll().orderBy("host").execute();
      return rows.map(toRule);
    },
    async remove(host) {
      const result = await db
        .deleteFrom("forward_access")
        .where("host", "=", host)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toRule(row: Selectable<ForwardAccessTable>): AccessRule {
  return {
    host: row.host,
    roles: row.roles.split(",").filter(Boolean) as Role[],
    updatedAt: Number(row.updated_at),
  };
}
