// `vestibule migrate` / startup on several instances at once: Kysely's Migrator holds a
// PostgreSQL advisory lock, so on a fresh database each migration runs exactly once.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const services = await probeServices();
reportUnavailable(services, "concurrent migrations on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("migrations on PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });

  test("six migrators started at once on a fresh database: each migration applied once, all succeed", async () => {
    for (let i = 0; i < 6; i++) opened.push(openDatabase(database.url, { poolSize: 2 }));
    const applied = await Promise.all(opened.map((o) => migrate(o)));
    const all = applied.flat();
    // Every migration was applied by exactly one of the six.
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(["0001_initial", "0003_rate_limits"]));
    const rows = await sql<{
      name: string;
    }>`select name from kysely_migration order by name`.execute(opened[0]!.db);
    expect(rows.rows.map((r) => r.name)).toEqual([...all].sort());
    // Again: nothing left to do.
    expect(await migrate(opened[1]!)).toEqual([]);
    // The schema works: the rate-limit table exists and the store answers.
    await sql`select key, points, expire from rate_limits`.execute(opened[2]!.db);
    await expect(opened[3]!.ping()).resolves.toBeUndefined();
  });
});
