// Issue 11's store slices on every database a deployment can pick: recovery codes (single
// use by one conditional UPDATE, raced on two connections as two instances) and remembered
// devices (rotation by compare-and-swap, raced; the expiry never moves), and the
// transactions that forget them (Force New Password, deactivation).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Stores } from "../../src/core/ports/stores.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const NOW = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;

function recoveryContract(name: string, get: () => { store: Stores; other: Stores }): void {
  describe(`recovery codes and devices: ${name}`, () => {
    const newUser = async () => {
      const user = await get().store.users.create(
        {
          username: `u_${randomUUID().slice(0, 8)}`,
          role: "user",
          passwordHash: "x",
          mustChangePassword: false,
        },
        randomUUID(),
        NOW,
      );
      return user!.id;
    };
    const codes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: randomUUID(),
        lookup: `L${String(i).padStart(3, "0")}`,
        codeHash: `hash-${i}`,
      }));
    const device = (userId: string, tokenHash: string, over: Record<string, unknown> = {}) => ({
      id: randomUUID(),
      userId,
      tokenHash,
      createdAt: NOW,
      lastUsedAt: NOW,
      expiresAt: NOW + 30 * DAY,
      userAgent: "Test Browser\u0000 1.0",
      ip: "10.0.0.1",
      ...over,
    });

    test("replace, find by look-up, count; a new set replaces the old", async () => {
      const { store, other } = get();
      const userId = await newUser();
      const first = codes(10);
      await store.recoveryCodes.replace(userId, first, NOW);
      expect(await other.recoveryCodes.countLeft(userId)).toBe(10);
      expect(await other.recoveryCodes.find(userId, "L003")).toEqual({
        id: first[3]!.id,
        lookup: "L003",
        codeHash: "hash-3",
        usedAt: null,
      });
      expect(await store.recoveryCodes.find(userId, "NONE")).toBeUndefined();
      expect(await store.recoveryCodes.find(await newUser(), "L003")).toBeUndefined();
      await store.recoveryCodes.replace(userId, codes(2), NOW);
      expect(await store.recoveryCodes.countLeft(userId)).toBe(2);
      expect(await store.recoveryCodes.use(first[0]!.id, NOW)).toBe(false);
    });

    test("single use: one code used from two connections 20 times at once succeeds once", async () => {
      const { store, other } = get();
      const userId = await newUser();
      const set = codes(3);
      await store.recoveryCodes.replace(userId, set, NOW);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).recoveryCodes.use(set[1]!.id, NOW + i),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.recoveryCodes.countLeft(userId)).toBe(2);
      expect((await other.recoveryCodes.find(userId, "L001"))?.usedAt).toBeGreaterThanOrEqual(NOW);
    });

    test("two new sets made at once (a double click, two instances): one set is left, not both", async () => {
      // One Stores: two transactions from its pool on PostgreSQL (SQLite's one connection
      // runs them in turn; two connections of one process would only wait on each other).
      const { store } = get();
      for (let round = 0; round < 5; round++) {
        const userId = await newUser();
        await store.recoveryCodes.replace(userId, codes(10), NOW);
        const [a, b] = [codes(10), codes(10)];
        await Promise.all([
          store.atomically((tx) => tx.recoveryCodes.replace(userId, a, NOW + 1)),
          store.atomically((tx) => tx.recoveryCodes.replace(userId, b, NOW + 1)),
        ]);
        // The codes the person was shown last are the only ones that work.
        expect(await store.recoveryCodes.countLeft(userId)).toBe(10);
      }
    });

    test("devices: find by token, rotate once under a race, the expiry never moves", async () => {
      const { store, other } = get();
      const userId = await newUser();
      const d = device(userId, `t-${randomUUID()}`);
      await store.devices.create(d);
      const found = await other.devices.findByToken(d.tokenHash, NOW);
      expect(found).toMatchObject({ id: d.id, userId, expiresAt: d.expiresAt });
      // NUL is dropped (PostgreSQL text cannot hold it), the rest kept for display.
      expect(found?.userAgent).toBe("Test Browser 1.0");
      const later = NOW + 5 * DAY;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).devices.rotate(d.tokenHash, `new-${i}`, {
            now: later,
            ip: "10.0.0.2",
            userAgent: "Other",
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = `new-${results.indexOf(true)}`;
      expect(await store.devices.findByToken(d.tokenHash, later)).toBeUndefined();
      const rotated = await store.devices.findByToken(winner, later);
      expect(rotated).toMatchObject({
        lastUsedAt: later,
        expiresAt: d.expiresAt,
        ip: "10.0.0.2",
        userAgent: "Other",
      });
      // Past its first expiry it is gone, however recently it was used.
      expect(await store.devices.findByToken(winner, d.expiresAt)).toBeUndefined();
      expect(
        await store.devices.rotate(winner, "late", { now: d.expiresAt, ip: "x", userAgent: "y" }),
      ).toBe(false);
    });

    test("list, forget one (only the owner's), forget all, sweep the expired", async () => {
      const { store, other } = get();
      const userId = await newUser();
      const someoneElse = await newUser();
      const a = device(userId, `a-${randomUUID()}`, { lastUsedAt: NOW + 1 });
      const b = device(userId, `b-${randomUUID()}`, { lastUsedAt: NOW + 2 });
      const old = device(userId, `c-${randomUUID()}`, { expiresAt: NOW + 10 });
      for (const d of [a, b, old]) await store.devices.create(d);
      expect((await other.devices.listForUser(userId, NOW + 10)).map((d) => d.id)).toEqual([
        b.id,
        a.id,
      ]);
      expect(await store.devices.forget(someoneElse, a.id)).toBe(false);
      expect(await store.devices.forget(userId, a.id)).toBe(true);
      expect(await store.devices.forget(userId, a.id)).toBe(false);
      expect(await store.devices.deleteExpired(NOW + 10)).toBeGreaterThanOrEqual(1);
      expect((await store.devices.listForUser(userId, NOW)).map((d) => d.id)).toEqual([b.id]);
      expect(await store.devices.forgetAll(userId)).toBe(1);
      expect(await store.devices.listForUser(userId, NOW)).toEqual([]);
    });

    test("Force New Password deletes the codes and forgets the devices in its transaction; deactivation forgets the devices", async () => {
      const { store } = get();
      const userId = await newUser();
      await store.recoveryCodes.replace(userId, codes(10), NOW);
      await store.devices.create(device(userId, `f-${randomUUID()}`));
      await store.users.forceNewPassword(userId, { at: NOW, byId: null });
      expect(await store.recoveryCodes.countLeft(userId)).toBe(0);
      expect(await store.devices.listForUser(userId, NOW)).toEqual([]);

      const other = await newUser();
      await store.recoveryCodes.replace(other, codes(10), NOW);
      await store.devices.create(device(other, `g-${randomUUID()}`));
      await store.users.setActive(other, false);
      expect(await store.devices.listForUser(other, NOW)).toEqual([]);
      // The codes stay: reactivated, the user still has them.
      expect(await store.recoveryCodes.countLeft(other)).toBe(10);
    });

    test("a transaction that rolls back keeps the old set", async () => {
      const { store } = get();
      const userId = await newUser();
      await store.recoveryCodes.replace(userId, codes(10), NOW);
      await expect(
        store.atomically(async (tx) => {
          await tx.recoveryCodes.replace(userId, codes(1), NOW);
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      expect(await store.recoveryCodes.countLeft(userId)).toBe(10);
    });
  });
}

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-recovery-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  recoveryContract("SQLite", () => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
});

const services = await probeServices();
reportUnavailable(services, "recovery codes and devices on PostgreSQL");

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
  recoveryContract("PostgreSQL", () => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
});
