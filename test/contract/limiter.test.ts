// The limiter contract on every backend a deployment can pick: memory, SQLite (one
// process), PostgreSQL's rate_limits table and Redis (shared by instances).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEscalatingLimiter } from "../../src/limits/escalating.js";
import { createLimiter } from "../../src/limits/rate-limits.js";
import { connectRedis, redisReady } from "../../src/limits/redis.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  REDIS_URL,
  redisTestPrefix,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { escalatingContract, type LimiterBackends, limiterContract } from "./limiter.contract.js";

limiterContract("memory", () => ({ backend: { kind: "memory" } }), { shared: false });
escalatingContract("memory", () => ({ backend: { kind: "memory" } }), { shared: false });

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  let backends: LimiterBackends;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-limits-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
    const client = (o: OpenedDatabase) => (o.dialect === "sqlite" ? o.sqlite : undefined);
    backends = {
      backend: { kind: "sqlite", client: client(opened[0]!) },
      other: { kind: "sqlite", client: client(opened[1]!) },
    };
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  limiterContract("SQLite", () => backends, { shared: true });
  escalatingContract("SQLite", () => backends, { shared: true });
});

const services = await probeServices();
reportUnavailable(services, "limiter contract on PostgreSQL", ["postgres"]);
reportUnavailable(services, "limiter contract on Redis", ["redis"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  let backends: LimiterBackends;
  beforeAll(async () => {
    database = await createTestDatabase();
    opened.push(openDatabase(database.url), openDatabase(database.url));
    await migrate(opened[0]!);
    const pool = (o: OpenedDatabase) => (o.dialect === "postgres" ? o.pool : undefined);
    backends = {
      backend: { kind: "postgres", pool: pool(opened[0]!) },
      other: { kind: "postgres", pool: pool(opened[1]!) },
    };
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });
  limiterContract("PostgreSQL", () => backends, { shared: true });
  escalatingContract("PostgreSQL", () => backends, { shared: true });
});

describe.runIf(services.redis)("Redis", () => {
  const run = redisTestPrefix();
  const clients: Redis[] = [];
  let backends: LimiterBackends;
  beforeAll(async () => {
    clients.push(connectRedis(REDIS_URL), connectRedis(REDIS_URL));
    await Promise.all(clients.map((c) => redisReady(c, 5000)));
    backends = {
      backend: { kind: "redis", client: clients[0], prefix: run.prefix },
      other: { kind: "redis", client: clients[1], prefix: run.prefix },
    };
  });
  afterAll(async () => {
    await run.clear();
    for (const c of clients) c.disconnect();
  });
  limiterContract("Redis", () => backends, { shared: true });
  escalatingContract("Redis", () => backends, { shared: true });

  test("the cap's lock is stored without expiry under the run's REDIS_PREFIX", async () => {
    const lock = createEscalatingLimiter(
      "capcheck",
      {
        failuresPerBlock: 2,
        firstBlockSeconds: 1,
        maxBlockSeconds: 1,
        cap: 2,
        rememberSeconds: 60,
      },
      backends.backend,
    );
    await lock.consume("someone");
    expect(await lock.consume("someone")).toMatchObject({ reachedCap: true });
    await lock.consume("someone"); // refused; must not give the lock an expiry
    expect(await clients[0]!.pttl(`${run.prefix}rl:capcheck_locked:someone`)).toBe(-1);
    expect(await lock.check("someone")).toEqual({ allowed: false, lock: "permanent" });
  });

  test("every key lives under the run's REDIS_PREFIX", async () => {
    const l = createLimiter(
      "prefixcheck",
      { points: 5, windowSeconds: 60, blockSeconds: 60 },
      backends.backend,
    );
    await l.consume("someone");
    const keys = await clients[0]!.keys(`${run.prefix}*`);
    expect(keys).toContain(`${run.prefix}rl:prefixcheck:someone`);
    expect(await clients[0]!.keys("rl:prefixcheck:*")).toEqual([]);
  });
});
