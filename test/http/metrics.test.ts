// GET /metrics: Prometheus text, only for METRICS_ALLOW (loopback by default), and every
// family moves when its event happens. Scraped over HTTP like Prometheus does; the
// events are real sign-ins, real code sends (outbox, a real webhook peer that fails),
// a real lock, a saturated hasher.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, location, startVestibule, type Vestibule } from "../support/harness.js";
import { startWebhookReceiver, type TestWebhookReceiver } from "../support/webhook.js";

const WEBHOOK_SECRET = "metrics-webhook-secret-0123456789";
const apps: Vestibule[] = [];
let webhook: TestWebhookReceiver;

beforeAll(async () => {
  webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
});
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});
afterAll(async () => {
  await webhook.close();
});

async function start(
  env: Record<string, string> = {},
  methods: ("app" | "sms" | "email")[] = ["app"],
): Promise<Vestibule> {
  const v = await startVestibule({ methods, env });
  apps.push(v);
  return v;
}

async function scrape(v: Vestibule, remoteAddress = "127.0.0.1") {
  return v.app.inject({ method: "GET", url: "/metrics", remoteAddress });
}

/**
 * The value of one series in Prometheus text: `name{labels} value`, labels in any
 * order; 0 when the series is not there yet.
 */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

/** Scrapes before and after `event`, returning a reader of how much a series moved. */
async function moved(v: Vestibule, event: () => Promise<unknown>) {
  const before = (await scrape(v)).body;
  await event();
  const after = (await scrape(v)).body;
  return (name: string, labels: Record<string, string> = {}) =>
    value(after, name, labels) - value(before, name, labels);
}

describe("who may read /metrics", () => {
  it("this machine by default: Prometheus text, no cookies, no page", async () => {
    const v = await start();
    const res = await scrape(v);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers["set-cookie"]).toBeUndefined();
    for (const family of [
      "vestibule_signins_total",
      "vestibule_codes_total",
      "vestibule_locks_total",
      "vestibule_hash_queue_depth",
      "vestibule_hash_wait_seconds",
      "vestibule_store_seconds",
      "vestibule_redis_seconds",
      "vestibule_unavailable_total",
    ]) {
      expect(res.body).toContain(`# TYPE ${family} `);
    }
    expect((await scrape(v, "::1")).statusCode).toBe(200);
    expect((await scrape(v, "::ffff:127.0.0.1")).statusCode).toBe(200);
  });

  it("any other address gets the 404 page, as for a path that does not exist", async () => {
    const v = await start();
    for (const address of ["203.0.113.9", "10.0.0.1", "::ffff:10.0.0.1", "2001:db8::1"]) {
      const res = await scrape(v, address);
      expect(res.statusCode, address).toBe(404);
      expect(res.body).not.toContain("vestibule_");
    }
  });

  it("METRICS_ALLOW names the scrapers: a CIDR in, loopback then out", async () => {
    const v = await start({ METRICS_ALLOW: "10.0.0.0/8, 2001:db8::/32" });
    expect((await scrape(v, "10.1.2.3")).statusCode).toBe(200);
    expect((await scrape(v, "2001:db8:5::7")).statusCode).toBe(200);
    expect((await scrape(v, "127.0.0.1")).statusCode).toBe(404);
    expect((await scrape(v, "11.0.0.1")).statusCode).toBe(404);
  });

  it("METRICS_ALLOW=none closes it for everyone", async () => {
    const v = await start({ METRICS_ALLOW: "none" });
    expect((await scrape(v)).statusCode).toBe(404);
  });

  it("a proxy on this machine does not open it to the internet", async () => {
    // Trusted proxy: the forwarded client is the address checked.
    const trusted = await start({ TRUST_PROXY: "loopback" });
    const viaProxy = (xff: string) =>
      trusted.app.inject({
        method: "GET",
        url: "/metrics",
        remoteAddress: "127.0.0.1",
        headers: { "x-forwarded-for": xff },
      });
    expect((await viaProxy("203.0.113.5")).statusCode).toBe(404);
    expect((await viaProxy("127.0.0.1")).statusCode).toBe(200);
    // A proxy that is not trusted: its forwarded request is refused, not taken as local.
    const untrusted = await start();
    for (const headers of [
      { "x-forwarded-for": "203.0.113.5" },
      { forwarded: "for=203.0.113.5" },
    ]) {
      const res = await untrusted.app.inject({
        method: "GET",
        url: "/metrics",
        remoteAddress: "127.0.0.1",
        headers,
      });
      expect(res.statusCode).toBe(404);
    }
  });
});

describe("each family moves when its event happens", () => {
  it("sign-ins by outcome and method; database calls timed", async () => {
    const v = await start();
    const user = await v.addUser("mona");
    const secret = await v.enrolApp(user);
    const delta = await moved(v, async () => {
      const b = v.browser();
      await b.get("/login");
      await b.post("/login", { username: "mona", password: "not the password at all" });
      await v.signIn("mona", secret);
    });
    expect(delta("vestibule_signins_total", { outcome: "failed", method: "password" })).toBe(1);
    expect(delta("vestibule_signins_total", { outcome: "ok", method: "app" })).toBe(1);
    expect(delta("vestibule_store_seconds_count", { slice: "users", op: "findByUsername" })).toBe(
      2,
    );
    expect(delta("vestibule_store_seconds_count", { slice: "sessions", op: "create" })).toBe(1);
  });

  it("a wrong code, then the lock", async () => {
    const v = await start({ LIMIT_SECOND_FACTOR: "2/86400/900" });
    const user = await v.addUser("lena");
    const secret = await v.enrolApp(user);
    const delta = await moved(v, async () => {
      const b = v.browser();
      await b.get("/login");
      await b.post("/login", { username: "lena", password: DEFAULT_PASSWORD });
      await b.get("/login/verify");
      const wrong = v.totp(secret, 10);
      await b.post("/login/verify", { code: wrong });
      await b.post("/login/verify", { code: v.totp(secret, 12) });
    });
    expect(
      delta("vestibule_signins_total", { outcome: "wrong_code", method: "second_factor" }),
    ).toBe(2);
    expect(delta("vestibule_locks_total", { factor: "second_factor" })).toBe(1);
  });

  it("codes by channel and result: sent (outbox), refused (a limit), failed (the provider)", async () => {
    const v = await start(
      { SMS_PROVIDER: "webhook", SMS_WEBHOOK_URL: webhook.url, SMS_WEBHOOK_SECRET: WEBHOOK_SECRET },
      ["email", "sms"],
    );
    await v.addUser("cora", { email: "cora@example.test", phone: "+61412345001" });
    const delta = await moved(v, async () => {
      const b = v.browser();
      await b.get("/login");
      // Email goes first: sent at once to the development outbox.
      const res = await b.post("/login", { username: "cora", password: DEFAULT_PASSWORD });
      expect(location(res)).toMatch(/^\/login\/verify/);
      await b.get(location(res));
      // Again by email at once: the per-user burst limit refuses it.
      await b.post("/login/code", { method: "email" });
      // By SMS: the gateway answers 500.
      webhook.failNext(500);
      await b.post("/login/code", { method: "sms" });
    });
    expect(delta("vestibule_codes_total", { channel: "email", result: "sent" })).toBe(1);
    expect(delta("vestibule_codes_total", { channel: "email", result: "refused" })).toBe(1);
    expect(delta("vestibule_codes_total", { channel: "sms", result: "failed" })).toBe(1);
  });

  it("hash queue depth and wait, and a 503 when the queue is full", async () => {
    const v = await start({ HASH_CONCURRENCY: "1", HASH_QUEUE: "2" });
    await v.addUser("hugo");
    // The Login page first: while the hasher is full it is turned away too (issue 13).
    const b = v.browser();
    await b.get("/login");
    // Three hashes at once on one slot: one runs, two wait.
    const hashes = [1, 2, 3].map((n) => v.system.hasher.hash(`queued password ${n}`));
    const during = (await scrape(v)).body;
    expect(value(during, "vestibule_hash_queue_depth")).toBe(2);
    // The queue is full: a sign-in answers 503 at once.
    const busy = await b.post("/login", { username: "hugo", password: DEFAULT_PASSWORD });
    expect(busy.statusCode).toBe(503);
    await Promise.all(hashes);
    const after = (await scrape(v)).body;
    expect(value(after, "vestibule_hash_queue_depth")).toBe(0);
    expect(value(after, "vestibule_hash_wait_seconds_count")).toBeGreaterThanOrEqual(3);
    expect(value(after, "vestibule_hash_wait_seconds_sum")).toBeGreaterThan(0);
    expect(value(after, "vestibule_unavailable_total", { route: "/login" })).toBe(1);
  });
});
