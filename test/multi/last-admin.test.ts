// Issue 11: the last active administrator is never deactivated or demoted, also when two
// operators (two processes, two connections) demote the last two administrators at once:
// at least one administrator remains, on SQLite and on PostgreSQL. The rule is one
// conditional UPDATE (PostgreSQL locks the active administrators first), store/users.ts.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserPatch } from "../../src/core/ports/users.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const NOW = Date.UTC(2030, 0, 1);
const services = await probeServices();
reportUnavailable(services, "the last administrator on PostgreSQL");

const dialects = [
  { name: "sqlite", enabled: true },
  { name: "postgres", enabled: services.postgres },
] as const;

describe.each(dialects)("the last active administrator on $name", ({ name, enabled }) => {
  // Two handles on one database: two instances (or CLI processes) at once.
  let one: OpenedDatabase;
  let two: OpenedDatabase;
  let pgDb: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (!enabled) return;
    let url: string;
    if (name === "postgres") {
      pgDb = await createTestDatabase();
      url = pgDb.url;
    } else {
      dir = mkdtempSync(join(tmpdir(), "vestibule-admins-"));
      url = `sqlite:${join(dir, "v.db")}`;
    }
    one = openDatabase(url);
    await migrate(one);
    two = openDatabase(url);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await pgDb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const admins = async (count: number): Promise<string[]> => {
    // Everyone from earlier rounds steps down first (as users; never touched by the rule).
    await one.db.updateTable("users").set({ role: "user" }).execute();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const user = await one.stores.users.create(
        {
          username: `admin-${randomUUID().slice(0, 8)}`,
          role: "administrator",
          passwordHash: "x",
          mustChangePassword: false,
        },
        randomUUID(),
        NOW,
      );
      ids.push(user!.id);
    }
    return ids;
  };

  const activeAdmins = async (): Promise<number> =>
    (await one.stores.users.search({ limit: 1000 })).filter(
      (u) => u.role === "administrator" && u.active,
    ).length;

  const changes: [string, (db: OpenedDatabase, id: string) => Promise<boolean>][] = [
    ["demotions", (db, id) => db.stores.users.update(id, { role: "user" } satisfies UserPatch)],
    ["deactivations", (db, id) => db.stores.users.setActive(id, false)],
    ["demotions to supervisor", (db, id) => db.stores.users.update(id, { role: "supervisor" })],
  ];

  it.each(changes)(
    "two concurrent %s of the last two: one goes through, one remains",
    async (_, change) => {
      if (!enabled) return;
      for (let round = 0; round < 10; round++) {
        const [a, b] = await admins(2);
        const results = await Promise.all([change(one, a!), change(two, b!)]);
        expect(results.filter(Boolean), `round ${round}`).toHaveLength(1);
        expect(await activeAdmins(), `round ${round}`).toBe(1);
      }
    },
  );

  it("a demotion and a deactivation of the same last two: one remains", async () => {
    if (!enabled) return;
    for (let round = 0; round < 10; round++) {
      const [a, b] = await admins(2);
      await Promise.all([
        one.stores.users.update(a!, { role: "user" }),
        two.stores.users.setActive(b!, false),
      ]);
      expect(await activeAdmins(), `round ${round}`).toBe(1);
    }
  });

  it("other changes of the last administrator (a name, an email) still go through", async () => {
    if (!enabled) return;
    const [a] = await admins(1);
    expect(await one.stores.users.update(a!, { displayName: "Root", email: "r@example.org" })).toBe(
      true,
    );
    expect(await one.stores.users.setActive(a!, false)).toBe(false);
    expect(await one.stores.users.update(a!, { role: "user" })).toBe(false);
    expect(await activeAdmins()).toBe(1);
  });
});
