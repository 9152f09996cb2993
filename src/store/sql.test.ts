import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, type OpenedDatabase, openDatabase } from "./open.js";
import { arg, reusable, reusableOn } from "./sql.js";

// Queries compiled once and run with each call's values (issue 13): every call gets its
// own values, fixed values stay fixed, and a builder that would put an argument into the
// SQL text instead of binding it is refused rather than run with a stale value.
describe("reusable queries", () => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    opened = openDatabase("sqlite::memory:");
    await migrate(opened);
    await opened.stores.settings.set("a", "one");
    await opened.stores.settings.set("b", "two");
  });
  afterAll(async () => {
    await opened.close();
  });

  it("each call binds its own values; fixed values stay as built", async () => {
    const { db } = opened;
    const get = reusable(db, (d) =>
      d
        .selectFrom("settings")
        .select("value")
        .where("key", "=", arg(0))
        .where("value", "<>", "never"),
    );
    expect((await get("a")).rows).toEqual([{ value: "one" }]);
    expect((await get("b")).rows).toEqual([{ value: "two" }]);
    expect((await get("c")).rows).toEqual([]);
  });

  it("one argument may stand in two places", async () => {
    const both = reusable(opened.db, (d) =>
      d
        .selectFrom("settings")
        .select("key")
        .where((eb) => eb.or([eb("key", "=", arg(0)), eb("value", "=", arg(0))])),
    );
    expect((await both("two")).rows).toEqual([{ key: "b" }]);
  });

  it("an argument left out of the bound parameters is refused", async () => {
    const inlined = reusable(opened.db, (d) =>
      d
        .selectFrom("settings")
        .select("value")
        .where(sql<boolean>`${sql.lit(arg(0))} = 'x'`),
    );
    await expect(inlined("a")).rejects.toThrow(/arguments not all bound/);
    const missing = reusable(opened.db, (d) => d.selectFrom("settings").select("value"));
    await expect(missing("a")).rejects.toThrow(/arguments not all bound/);
  });

  it("reusableOn compiles per database handle, a transaction's too", async () => {
    const get = reusableOn((d: typeof opened.db) =>
      d.selectFrom("settings").select("value").where("key", "=", arg(0)),
    );
    expect((await get(opened.db, "a")).rows).toEqual([{ value: "one" }]);
    const inside = await opened.db.transaction().execute(async (trx) => (await get(trx, "b")).rows);
    expect(inside).toEqual([{ value: "two" }]);
  });
});
