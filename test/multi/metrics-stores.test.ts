// /metrics against the real stores of a scaled-out deployment: Redis command latency and
// PostgreSQL call latency move when a sign-in uses them, and /readyz names Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startVestibule, type Vestibule } from "../support/harness.js";
import {
  createTestDatabase,
  probeServices,
  REDIS_URL,
  redisTestPrefix,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { startTcpProxy } from "../support/tcp-proxy.js";

const services = await probeServices();
reportUnavailable(services, "metrics on PostgreSQL and Redis (test/multi/metrics-stores.test.ts)");

/** The sum of every series of `name` whose labels include `labels`. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

describe.runIf(services.postgres && services.redis)("metrics with PostgreSQL and Redis", () => {
  const redis = redisTestPrefix();
  let database: TestDatabase;
  let v: Vestibule;

  beforeAll(async () => {
    database = await createTestDatabase();
    v = await startVestibule({
      env: { DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: redis.prefix },
    });
  });
  afterAll(async () => {
    await v?.close();
    await database?.drop();
    await redis.clear();
  });

  const scrape = async () =>
    (await v.app.inject({ method: "GET", url: "/metrics", remoteAddress: "127.0.0.1" })).body;

  it("a wrong password moves Redis command and store call counts", async () => {
    await v.addUser("pia");
    const before = await scrape();
    const b = v.browser();
    await b.get("/login");
    await b.post("/login", { username: "pia", password: `${DEFAULT_PASSWORD} not` });
    const after = await scrape();
    expect(total(after, "vestibule_redis_seconds_count")).toBeGreaterThan(
      total(before, "vestibule_redis_seconds_count"),
    );
    expect(
      total(after, "vestibule_store_seconds_count", { slice: "users", op: "findByUsername" }) -
        total(before, "vestibule_store_seconds_count", { slice: "users", op: "findByUsername" }),
    ).toBe(1);
  });

  it("/readyz and /healthz check Redis; /livez does not need it", async () => {
    for (const path of ["/livez", "/readyz", "/healthz"]) {
      const res = await v.app.inject({ method: "GET", url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.json()).toEqual({ status: "ok" });
    }
  });

  it("Redis cut off: /readyz and /healthz 503 naming it, /livez still 200, the 503s counted", async () => {
    const target = new URL(REDIS_URL);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const url = new URL(REDIS_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const cut = await startVestibule({
      env: { DATABASE_URL: database.url, REDIS_URL: url.toString(), REDIS_PREFIX: redis.prefix },
    });
    try {
      proxy.cut();
      const ready = await cut.app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: "unavailable", reason: "redis" });
      expect((await cut.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(503);
      expect((await cut.app.inject({ method: "GET", url: "/livez" })).statusCode).toBe(200);
      const metrics = await cut.app.inject({
        method: "GET",
        url: "/metrics",
        remoteAddress: "127.0.0.1",
      });
      expect(total(metrics.body, "vestibule_unavailable_total", { route: "/readyz" })).toBe(1);
      expect(total(metrics.body, "vestibule_unavailable_total", { route: "/healthz" })).toBe(1);
    } finally {
      await cut.close();
      await proxy.close();
    }
  });
});
