// The forward-auth slices of the store (migration 0008) on SQLite and PostgreSQL, each
// with two handles on one database (two instances): the forward token's hash on the
// session row, and the per-host rules.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stores } from "../../src/core/ports/stores.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const NOW = Date.UTC(2030, 0, 1);

function forwardContract(get: () => { store: Stores; other: Stores }) {
  const session = async (store: Stores) => {
    const user = await store.users.create(
      {
        username: `f_${randomUUID().slice(0, 8)}`,
        role: "user",
        passwordHash: "x",
        mustChangePassword: false,
      },
      randomUUID(),
      NOW,
    );
    const idHash = randomUUID();
    await store.sessions.create({
      idHash,
      userId: user!.id,
      createdAt: NOW,
      expiresAt: NOW + 60_000,
      authTime: NOW,
      amr: ["pwd", "otp"],
    });
    return idHash;
  };

  it("the forward token's hash names the session; a new one replaces it; expiry and delete end it", async () => {
    const { store, other } = get();
    const idHash = await session(store);
    expect(await store.sessions.setForward(idHash, `fw-${idHash}-1`)).toBe(true);
    expect((await other.sessions.findByForward(`fw-${idHash}-1`, NOW))?.idHash).toBe(idHash);
    expect(await other.sessions.setForward(idHash, `fw-${idHash}-2`)).toBe(true);
    expect(await store.sessions.findByForward(`fw-${idHash}-1`, NOW)).toBeUndefined();
    expect(await store.sessions.findByForward(`fw-${idHash}-2`, NOW + 60_000)).toBeUndefined();
    await store.sessions.delete(idHash);
    expect(await other.sessions.findByForward(`fw-${idHash}-2`, NOW)).toBeUndefined();
    expect(await store.sessions.setForward(idHash, "fw-gone")).toBe(false);
  });

  it("access rules: set returns the rule it replaced, find, list by host, remove once", async () => {
    const { store, other } = get();
    const host = `h${randomUUID().slice(0, 8)}.example.org`;
    expect(await store.access.set({ host, roles: ["supervisor"], updatedAt: NOW })).toBeUndefined();
    expect(
      await other.access.set({ host, roles: ["supervisor", "administrator"], updatedAt: NOW + 1 }),
    ).toEqual({ host, roles: ["supervisor"], updatedAt: NOW });
    expect(await store.access.find(host)).toEqual({
      host,
      roles: ["supervisor", "administrator"],
      updatedAt: NOW + 1,
    });
    const hosts = (await other.access.list()).map((r) => r.host);
    expect(hosts).toContain(host);
    expect(hosts).toEqual([...hosts].sort());
    const removed = await Promise.all([store.access.remove(host), other.access.remove(host)]);
    expect(removed.sort()).toEqual([false, true]);
    expect(await store.access.find(host)).toBeUndefined();
  });
}

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-forward-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  forwardContract(() => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
});

const services = await probeServices();
reportUnavailable(services, "forward-auth store on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    opened.push(openDatabase(database.url), openDatabase(database.url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });
  forwardContract(() => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
});
