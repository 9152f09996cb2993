// The users page's store queries on both dialects: prefix search on username or email
// (case-insensitive, LIKE wildcards taken literally), keyset paging, counts, the
// app-set-up flag, and deactivation ending sessions and pending sign-ins. On PostgreSQL
// the query plan is checked to use an index too.
import { randomUUID } from "node:crypto";
import { type CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stores } from "../../src/core/ports/stores.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import type { Database } from "../../src/store/schema.js";
import { createStores } from "../../src/store/stores.js";
import { nextPrefix } from "../../src/store/users.js";
import { storeConfirmedAuthenticator } from "../support/authenticator.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const NOW = Date.UTC(2030, 0, 1);
const services = await probeServices();
reportUnavailable(services, "user admin queries on PostgreSQL");

const dialects = [
  { name: "sqlite", enabled: true },
  { name: "postgres", enabled: services.postgres },
] as const;

describe.each(dialects)("user admin queries on $name", ({ name, enabled }) => {
  let opened: OpenedDatabase;
  let store: Stores;
  let pgDb: TestDatabase | undefined;

  beforeAll(async () => {
    if (!enabled) return;
    if (name === "postgres") {
      pgDb = await createTestDatabase();
      opened = openDatabase(pgDb.url);
    } else {
      opened = openDatabase("sqlite::memory:");
    }
    await migrate(opened);
    store = opened.stores;
    const names = ["ann", "anna", "annabel", "bob", "a_b", "axb", "zed"];
    for (const [i, username] of names.entries()) {
      await store.users.create(
        {
          username,
          email: i === 3 ? "Annie.Bob@Example.org" : `${username}@example.org`,
          role: "user",
          passwordHash: "$argon2id$x",
          mustChangePassword: false,
        },
        `id-${username}`,
        NOW,
      );
    }
    await storeConfirmedAuthenticator(store, "id-ann", "box", 1, NOW);
    // anna has only a set-up key on a pending sign-in: not set up.
    const pending = {
      userId: "id-anna",
      state: "setup_app" as const,
      purpose: "signin" as const,
      continuation: { kind: "home" as const },
      sessionIdHash: null,
      failedCodes: 0,
    };
    await store.flows.create({
      ...pending,
      idHash: "c-anna",
      createdAt: NOW,
      expiresAt: NOW + 1,
    });
    await store.flows.setSetupKey("c-anna", "box");
  });
  afterAll(async () => {
    if (!enabled) return;
    await opened.close();
    await pgDb?.drop();
  });

  it.runIf(enabled)("finds by username or email prefix, in username order", async () => {
    const found = await store.users.search({ prefix: "ANN", limit: 10 });
    expect(found.map((u) => u.username)).toEqual(["ann", "anna", "annabel", "bob"]);
    const withApp = await store.authenticators.confirmedAmong(found.map((u) => u.id));
    expect(found.map((u) => withApp.has(u.id))).toEqual([true, false, false, false]);
    expect(await store.users.count("ann")).toBe(4);
    expect(await store.users.count()).toBe(7);
    // "_" is a letter here, not a LIKE wildcard.
    expect((await store.users.search({ prefix: "a_", limit: 10 })).map((u) => u.username)).toEqual([
      "a_b",
    ]);
    expect(await store.users.search({ prefix: "%", limit: 10 })).toEqual([]);
  });

  it.runIf(enabled)("takes any text: NUL, the last code point, no crash", async () => {
    expect((await store.users.search({ prefix: "an\0n", limit: 10 })).length).toBe(4);
    expect(await store.users.search({ prefix: "z\u{10FFFF}", limit: 10 })).toEqual([]);
    expect(await store.users.count("\u{10FFFF}")).toBe(0);
    expect(await store.users.search({ prefix: "", after: "zz\0", limit: 10 })).toEqual([]);
    expect(await store.users.findByUsername("ann\0")).toBeUndefined();
  });

  it.runIf(enabled)("pages by username without overlap or gaps", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.users.search({ after, limit: 3 });
      if (page.length === 0) break;
      seen.push(...page.map((u) => u.username));
      after = page[page.length - 1]!.username;
    }
    expect(seen).toEqual(["a_b", "ann", "anna", "annabel", "axb", "bob", "zed"]);
  });

  it.runIf(enabled)("pages backwards by username, ascending within a page", async () => {
    const seen: string[] = [];
    let before: string | undefined = "\u{10FFFF}";
    for (;;) {
      const page = await store.users.search({ before, limit: 3 });
      if (page.length === 0) break;
      seen.unshift(...page.map((u) => u.username));
      before = page[0]!.username;
    }
    expect(seen).toEqual(["a_b", "ann", "anna", "annabel", "axb", "bob", "zed"]);
    const ann = await store.users.search({ prefix: "ann", before: "annabel", limit: 1 });
    expect(ann.map((u) => u.username)).toEqual(["anna"]);
    expect(await store.users.search({ before: "a\0", limit: 10 })).toEqual([]);
  });

  it.runIf(enabled)("deactivation ends sessions and pending sign-ins in one go", async () => {
    await store.sessions.create({
      idHash: randomUUID(),
      userId: "id-zed",
      createdAt: NOW,
      expiresAt: NOW + 1e6,
      authTime: NOW,
      amr: ["pwd"],
    });
    await store.flows.create({
      idHash: randomUUID(),
      userId: "id-zed",
      state: "verify",
      createdAt: NOW,
      expiresAt: NOW + 1e6,
      purpose: "signin",
      continuation: { kind: "home" },
      sessionIdHash: null,
      failedCodes: 0,
    });
    await store.users.setActive("id-zed", false);
    expect((await store.users.findById("id-zed"))?.active).toBe(false);
    const db = opened.db;
    const left = await sql<{
      n: number;
    }>`select (select count(*) from sessions where user_id = 'id-zed') + (select count(*) from flows where user_id = 'id-zed') as n`.execute(
      db,
    );
    expect(Number(left.rows[0]?.n)).toBe(0);
    await store.users.setActive("id-zed", true);
    expect((await store.users.findById("id-zed"))?.active).toBe(true);
  });
});

describe.runIf(services.postgres)("users search plan on PostgreSQL", () => {
  it("the store's prefix search walks the username and lower(email) indexes", async () => {
    const pgDb = await createTestDatabase();
    const opened = openDatabase(pgDb.url);
    try {
      await migrate(opened);
      if (opened.dialect !== "postgres") throw new Error("expected PostgreSQL");
      const queries: CompiledQuery[] = [];
      const db = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: opened.pool }),
        log: (e) => {
          if (e.level === "query") queries.push(e.query);
        },
      });
      await createStores(db).users.search({ prefix: "ann", limit: 51 });
      const [query] = queries;
      // A tiny table would be scanned anyway; forbid that to see whether an index can serve.
      const client = await opened.pool.connect();
      try {
        await client.query("set enable_seqscan = off");
        const plan = await client.query(`explain ${query!.sql}`, query!.parameters as unknown[]);
        const text = plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
        expect(text).toMatch(/users_email_lower/);
        expect(text).not.toMatch(/Seq Scan on users/);
      } finally {
        client.release();
      }
    } finally {
      await opened.close();
      await pgDb.drop();
    }
  });
});

it("nextPrefix is the smallest string after every extension of the prefix", () => {
  expect(nextPrefix("ab")).toBe("ac");
  expect(nextPrefix("a")).toBe("b");
  expect("abzzz" < nextPrefix("ab")!).toBe(true);
  // The last code point has no successor: carry to the one before, or no bound at all.
  expect(nextPrefix("a\u{10FFFF}")).toBe("b");
  expect(nextPrefix("\u{10FFFF}")).toBeUndefined();
});
