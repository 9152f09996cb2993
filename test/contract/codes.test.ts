// Email/SMS codes at the storage layer, on every backend a deployment can pick: the code
// queries on SQLite and PostgreSQL (two connections, as two instances, racing the single
// use), and the send quotas on memory, SQLite, PostgreSQL and Redis.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SendQuota } from "../../src/core/ports/limits.js";
import type { Stores } from "../../src/core/ports/stores.js";
import type { LimitBackend } from "../../src/limits/rate-limits.js";
import { connectRedis, redisReady } from "../../src/limits/redis.js";
import {
  createSendQuota,
  DEFAULT_SEND_RULES,
  type SendRules,
} from "../../src/limits/send-quota.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import { flowRow } from "../support/flows.js";
import {
  createTestDatabase,
  probeServices,
  REDIS_URL,
  redisTestPrefix,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const NOW = Date.UTC(2030, 0, 1);

function codeQueriesContract(name: string, get: () => { store: Stores; other: Stores }): void {
  describe(`code queries: ${name}`, () => {
    const setup = async () => {
      const { store } = get();
      const user = await store.users.create(
        {
          username: `u_${randomUUID().slice(0, 8)}`,
          role: "user",
          passwordHash: "x",
          mustChangePassword: false,
        },
        randomUUID(),
        NOW,
      );
      const row = flowRow(user!.id, {}, NOW);
      await store.flows.create(row);
      return row.idHash;
    };
    const code = (hmac: string, expiresAt = NOW + 600_000) =>
      ({ hmac, method: "email", sentAt: NOW, expiresAt }) as const;

    test("set, get, replace keeps the wrong-code count; single use raced on two connections", async () => {
      const { store, other } = get();
      const idHash = await setup();
      expect(await store.flows.getCode(idHash)).toBeUndefined();
      expect(await store.flows.setCode(idHash, code("a".repeat(64)))).toBe(true);
      await store.flows.reserveAttempt(idHash, 10);
      await store.flows.reserveAttempt(idHash, 10);
      expect(await store.flows.setCode(idHash, { ...code("b".repeat(64)), method: "sms" })).toBe(
        true,
      );
      expect(await other.flows.getCode(idHash)).toEqual({
        hmac: "b".repeat(64),
        method: "sms",
        sentAt: NOW,
        expiresAt: NOW + 600_000,
      });
      expect((await store.flows.find(idHash, NOW))?.failedCodes).toBe(2);
      // The replaced code is gone.
      expect(await store.flows.useCode(idHash, "a".repeat(64), NOW)).toBe(false);
      const results = await Promise.all([
        store.flows.useCode(idHash, "b".repeat(64), NOW),
        other.flows.useCode(idHash, "b".repeat(64), NOW),
        store.flows.useCode(idHash, "b".repeat(64), NOW),
        other.flows.useCode(idHash, "b".repeat(64), NOW),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.flows.getCode(idHash)).toBeUndefined();
    });

    test("an expired code, a gone challenge, a challenge not at verify: refused", async () => {
      const { store } = get();
      const idHash = await setup();
      await store.flows.setCode(idHash, code("c".repeat(64), NOW + 1000));
      expect(await store.flows.useCode(idHash, "c".repeat(64), NOW + 1000)).toBe(false);
      expect(await store.flows.setCode(randomUUID(), code("d".repeat(64)))).toBe(false);

      const setupHash = await setup();
      await store.flows.setCode(setupHash, code("e".repeat(64)));
      const moved = randomUUID();
      expect(await store.flows.advance(setupHash, "verify", "setup_app", moved)).toBe(true);
      expect(await store.flows.useCode(moved, "e".repeat(64), NOW)).toBe(false);
      // The code moves with the challenge when its id rotates.
      expect((await store.flows.getCode(moved))?.hmac).toBe("e".repeat(64));
    });

    test("clear removes only the code it was given", async () => {
      const { store } = get();
      const idHash = await setup();
      await store.flows.setCode(idHash, code("f".repeat(64)));
      await store.flows.clearCode(idHash, "0".repeat(64));
      expect(await store.flows.getCode(idHash)).toBeDefined();
      await store.flows.clearCode(idHash, "f".repeat(64));
      expect(await store.flows.getCode(idHash)).toBeUndefined();
    });
  });
}

const RULES: SendRules = {
  userBurst: { points: 1, windowSeconds: 30 },
  user: { points: 3, windowSeconds: 900 },
  destination: { points: 2, windowSeconds: 3600 },
  ip: { points: 100, windowSeconds: 3600 },
  smsBudget: { points: 2, windowSeconds: 3600 },
};

function sendQuotaContract(
  name: string,
  get: () => { backend: LimitBackend; other: LimitBackend },
): void {
  describe(`send quota: ${name}`, () => {
    let quota: SendQuota;
    let other: SendQuota;
    beforeAll(() => {
      quota = createSendQuota(RULES, get().backend);
      // Memory counters live in one process: there "another instance" is the same one.
      const { backend, other: second } = get();
      other = second === backend ? quota : createSendQuota(RULES, second);
    });
    const keys = (
      userId: string,
      method: "email" | "sms",
      destination: string,
      ip = "10.0.0.1",
    ) => ({
      userId,
      method,
      destination,
      ip,
    });

    test("1 per 30 s per user and method, shared by instances; a refusal counts nothing", async () => {
      const u = randomUUID();
      const first = await quota.take(keys(u, "email", `${u}@x.test`));
      expect(first.allowed).toBe(true);
      expect(await quota.userWaitMs(u, "email")).toBeGreaterThan(25_000);
      expect(await quota.userWaitMs(u, "sms")).toBe(0);
      const again = await other.take(keys(u, "email", `${u}@x.test`));
      expect(again).toMatchObject({ allowed: false, limit: "user_burst" });
      if (!again.allowed) expect(again.retryAfterMs).toBeLessThanOrEqual(30_000);
      // The refused take did not touch the per-user count: SMS still goes (2 of 3).
      expect((await quota.take(keys(u, "sms", "+61412000001"))).allowed).toBe(true);
    });

    test("refund gives every point back (a provider failure is not charged)", async () => {
      const u = randomUUID();
      const taken = await quota.take(keys(u, "email", `${u}@x.test`));
      if (!taken.allowed) throw new Error("refused");
      await taken.refund();
      expect(await quota.userWaitMs(u, "email")).toBe(0);
      expect((await other.take(keys(u, "email", `${u}@x.test`))).allowed).toBe(true);
    });

    test("per destination across users, and the SMS budget across the installation", async () => {
      const dest = `${randomUUID()}@x.test`;
      expect((await quota.take(keys(randomUUID(), "email", dest))).allowed).toBe(true);
      expect((await quota.take(keys(randomUUID(), "email", dest.toUpperCase()))).allowed).toBe(
        true,
      );
      const third = await other.take(keys(randomUUID(), "email", dest));
      expect(third).toMatchObject({ allowed: false, limit: "destination" });
      // The budget: the SMS already sent above, then one more, then refused; email unaffected.
      const results = [];
      for (let i = 0; i < 3; i++) {
        results.push(await quota.take(keys(randomUUID(), "sms", `+6141200${1000 + i}`)));
      }
      expect(results.some((r) => !r.allowed && r.limit === "sms_budget")).toBe(true);
      expect(
        (await quota.take(keys(randomUUID(), "email", `${randomUUID()}@x.test`))).allowed,
      ).toBe(true);
    });
  });
}

test("the default rules match the issue: about 1 per 30 s and 5 per 15 minutes per user", () => {
  expect(DEFAULT_SEND_RULES.userBurst).toEqual({ points: 1, windowSeconds: 30 });
  expect(DEFAULT_SEND_RULES.user).toEqual({ points: 5, windowSeconds: 900 });
  expect(DEFAULT_SEND_RULES.smsBudget.windowSeconds).toBe(3600);
});

describe("memory", () => {
  const backend: LimitBackend = { kind: "memory" };
  sendQuotaContract("memory (one instance)", () => ({ backend, other: backend }));
});

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-codes-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sqlite = (o: OpenedDatabase | undefined) =>
    o?.dialect === "sqlite" ? o.sqlite : undefined;
  codeQueriesContract("SQLite", () => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
  sendQuotaContract("SQLite", () => ({
    backend: { kind: "sqlite", client: sqlite(opened[0]) },
    other: { kind: "sqlite", client: sqlite(opened[1]) },
  }));
});

const services = await probeServices();
reportUnavailable(services, "code queries and send quotas on PostgreSQL and Redis");

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
  const pool = (o: OpenedDatabase | undefined) => (o?.dialect === "postgres" ? o.pool : undefined);
  codeQueriesContract("PostgreSQL", () => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
  sendQuotaContract("PostgreSQL", () => ({
    backend: { kind: "postgres", pool: pool(opened[0]) },
    other: { kind: "postgres", pool: pool(opened[1]) },
  }));
});

describe.runIf(services.redis)("Redis", () => {
  const keys = redisTestPrefix();
  const clients: Redis[] = [];
  beforeAll(async () => {
    clients.push(connectRedis(REDIS_URL), connectRedis(REDIS_URL));
    for (const c of clients) await redisReady(c, 5000);
  });
  afterAll(async () => {
    await keys.clear();
    for (const c of clients) c.disconnect();
  });
  sendQuotaContract("Redis", () => ({
    backend: { kind: "redis", client: clients[0], prefix: keys.prefix },
    other: { kind: "redis", client: clients[1], prefix: keys.prefix },
  }));
});
