// Fail closed: with PostgreSQL or Redis cut off (a TCP proxy the test controls), sign-in
// answers 503 with a clear page and /healthz 503, nothing that needs the store answers
// 200, the process neither crashes nor leaks an unhandled rejection, and it recovers by
// itself once the store is back.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateTotp } from "../../src/core/totp.js";
import {
  addEnrolledUser,
  BalancedBrowser,
  fixedClock,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import {
  createTestDatabase,
  probeServices,
  REDIS_URL,
  redisTestPrefix,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

const services = await probeServices();
reportUnavailable(services, "outage tests (test/multi/outage.test.ts)");

describe.runIf(services.postgres && services.redis)("store outages", () => {
  const clock = fixedClock();
  const redis = redisTestPrefix();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => {
    if (process.env.DEBUG_OUTAGE) console.log("UNHANDLED", (reason as Error).stack);
    unhandled.push(reason);
  };
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let instance: Vestibule;
  let user: { username: string };
  let secret: string;

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    process.on("uncaughtException", onUnhandled);
    database = await createTestDatabase();
    const pgUrl = new URL(database.url);
    const redisUrl = new URL(REDIS_URL);
    pgProxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    redisProxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    pgUrl.host = `127.0.0.1:${pgProxy.port}`;
    redisUrl.host = `127.0.0.1:${redisProxy.port}`;
    instance = await startVestibule({
      env: {
        DATABASE_URL: pgUrl.toString(),
        DATABASE_QUERY_TIMEOUT_MS: "1500",
        REDIS_URL: redisUrl.toString(),
        REDIS_PREFIX: redis.prefix,
      },
      clock,
    });
    ({ user, secret } = await addEnrolledUser(instance));
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
    await instance?.close();
    await Promise.all([pgProxy?.close(), redisProxy?.close()]);
    await database?.drop();
    await redis.clear();
  });

  const health = async () => {
    const res = await instance.app.inject({ method: "GET", url: "/healthz" });
    return { status: res.statusCode, body: res.json() as { status: string; reason?: string } };
  };

  /** Password and app code; returns where the last step led (or the status). */
  async function signIn(b: BalancedBrowser): Promise<string> {
    const after = await b.password(0, user.username);
    if (after !== "/login/verify") return after;
    await b.get(0, after);
    clock.advance(30_000);
    const res = await b.post(0, "/login/verify", { code: generateTotp(secret, clock.now()) });
    return location(res) || String(res.statusCode);
  }

  async function waitHealthy(): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < 15_000) {
      if ((await health()).status === 200) return Date.now() - started;
      await sleep(100);
    }
    throw new Error("not healthy again within 15 s");
  }

  /** Everything that needs the store answers 503, fast, with the clear page. */
  async function expectUnavailable(reason: string) {
    const started = Date.now();
    const b = new BalancedBrowser([instance]);
    const page = await b.get(0, "/login");
    expect(page.statusCode).toBe(200); // the form itself needs no store
    const res = await b.post(0, "/login", { username: user.username, password: "whatever" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.body).toContain("Service unavailable");
    expect(res.body).toContain("temporarily unavailable");
    expect(res.body).not.toMatch(/at .*\.(js|ts):\d+|ECONNREFUSED|ECONNRESET|Redis|ioredis|\bpg\b/);
    expect(await health()).toEqual({ status: 503, body: { status: "unavailable", reason } });
    // Fails fast rather than hanging on a queue.
    expect(Date.now() - started).toBeLessThan(5000);
    return res;
  }

  test("baseline: sign-in works and /healthz is 200 through the proxies", async () => {
    expect(await signIn(new BalancedBrowser([instance]))).toBe("/");
    expect(await health()).toEqual({ status: 200, body: { status: "ok" } });
  });

  test("PostgreSQL cut: 503s and healthz 503, no crash; restored: sign-in works again", async () => {
    const signedIn = new BalancedBrowser([instance]);
    expect(await signIn(signedIn)).toBe("/");
    pgProxy.cut();
    await expectUnavailable("database");
    // A signed-in page needs the session table: 503, never 200 and never a redirect.
    expect((await signedIn.get(0, "/")).statusCode).toBe(503);
    pgProxy.restore();
    await waitHealthy();
    expect(await signIn(new BalancedBrowser([instance]))).toBe("/");
    expect((await signedIn.get(0, "/")).statusCode).toBe(200);
  });

  test("Redis cut: 503s and healthz 503 (no offline queue), no crash; restored: sign-in works again", async () => {
    const signedIn = new BalancedBrowser([instance]);
    expect(await signIn(signedIn)).toBe("/");
    redisProxy.cut();
    await sleep(50);
    await expectUnavailable("redis");
    // Sessions live in the database: people already signed in are not thrown out.
    expect((await signedIn.get(0, "/")).statusCode).toBe(200);
    redisProxy.restore();
    await waitHealthy();
    expect(await signIn(new BalancedBrowser([instance]))).toBe("/");
  });

  test("Redis black-holed (no reset, no answer): commands time out, 503 within seconds, then recovery", async () => {
    redisProxy.stall();
    await expectUnavailable("redis");
    redisProxy.restore();
    await waitHealthy();
    expect(await signIn(new BalancedBrowser([instance]))).toBe("/");
  });

  test("PostgreSQL black-holed: queries time out, 503 within seconds, then recovery", async () => {
    const signedIn = new BalancedBrowser([instance]);
    expect(await signIn(signedIn)).toBe("/");
    pgProxy.stall();
    await expectUnavailable("database");
    expect((await signedIn.get(0, "/")).statusCode).toBe(503);
    pgProxy.restore();
    await waitHealthy();
    expect(await signIn(new BalancedBrowser([instance]))).toBe("/");
    expect((await signedIn.get(0, "/")).statusCode).toBe(200);
  });

  test("an instance started while Redis is away starts, answers 503, and serves once Redis is back", async () => {
    redisProxy.cut();
    const pgUrl = new URL(database.url);
    pgUrl.host = `127.0.0.1:${pgProxy.port}`;
    const late = await startVestibule({
      env: {
        DATABASE_URL: pgUrl.toString(),
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
        REDIS_PREFIX: redis.prefix,
      },
      clock,
    });
    try {
      const down = await late.app.inject({ method: "GET", url: "/healthz" });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ status: "unavailable", reason: "redis" });
      redisProxy.restore();
      const started = Date.now();
      let status = 0;
      while (status !== 200 && Date.now() - started < 15_000) {
        await sleep(100);
        status = (await late.app.inject({ method: "GET", url: "/healthz" })).statusCode;
      }
      expect(status).toBe(200);
    } finally {
      redisProxy.restore();
      await late.close();
    }
  });

  test("no unhandled rejection or uncaught exception during all of it", async () => {
    await sleep(200);
    expect(unhandled).toEqual([]);
  });
});
