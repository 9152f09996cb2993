// The operator's log: one JSON line per request (method, route pattern, status, time,
// the user id when known), probes quiet at info, every security event also a line (from
// the audit path), never a password, code, cookie or the username someone typed.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GatedHasher } from "../../src/core/password.js";
import { DEFAULT_PASSWORD, location, startVestibule } from "../support/harness.js";
import { startWebhookReceiver, type TestWebhookReceiver } from "../support/webhook.js";

const WEBHOOK_SECRET = "logs-webhook-secret-0123456789";

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

let webhook: TestWebhookReceiver;
beforeAll(async () => {
  webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
});
afterAll(async () => {
  await webhook.close();
});

async function logged(level: string, methods: ("app" | "sms" | "email")[] = ["app"], env = {}) {
  const raw: string[] = [];
  const v = await startVestibule({
    methods,
    env: { LOG_LEVEL: level, ...env },
    logStream: { write: (line) => void raw.push(line) },
  });
  return {
    v,
    raw,
    lines: () => raw.map((l) => JSON.parse(l) as Line),
    requests: () => raw.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === "request"),
    events: () => raw.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === "security event"),
  };
}

describe("one line per request", () => {
  it("method, route pattern, status, ms and the signed-in user's id; never the raw URL", async () => {
    const { v, raw, requests } = await logged("info");
    try {
      const admin = await v.addUser("ada", { role: "administrator" });
      const target = await v.addUser("tom");
      const b = await v.signIn("ada", await v.enrolApp(admin));
      raw.length = 0;
      await b.get(`/users/${target.id}?q=private-query-words`);
      const [line, ...more] = requests();
      expect(more).toEqual([]);
      expect(line).toMatchObject({
        level: 30,
        method: "GET",
        route: "/users/:id",
        status: 200,
        userId: admin.id,
      });
      expect(typeof line!.ms).toBe("number");
      expect(raw.join("")).not.toContain(target.id);
      expect(raw.join("")).not.toContain("private-query-words");

      // A path that matches no route is not written either.
      raw.length = 0;
      await b.get("/no/such/page-with-a-secret-in-it");
      expect(requests()).toEqual([expect.objectContaining({ route: null, status: 404 })]);
      expect(raw.join("")).not.toContain("page-with-a-secret");

      // The OpenID Connect provider (mounted, not routed): its mount's pattern.
      raw.length = 0;
      await v.app.inject({ method: "GET", url: "/oidc/.well-known/openid-configuration?x=1" });
      expect(requests()).toEqual([expect.objectContaining({ route: "/oidc/*", status: 200 })]);
      expect(raw.join("")).not.toContain("openid-configuration");

      // Before sign-in nobody is known.
      raw.length = 0;
      await v.browser().get("/login");
      expect(requests()).toEqual([expect.objectContaining({ route: "/login", userId: null })]);
    } finally {
      await v.close();
    }
  });

  it("/healthz, /livez and /readyz are quiet at info and written at debug", async () => {
    for (const [level, expected] of [
      ["info", 0],
      ["debug", 3],
    ] as const) {
      const { v, requests } = await logged(level);
      try {
        for (const path of ["/healthz", "/livez", "/readyz"]) {
          expect((await v.app.inject({ method: "GET", url: path })).statusCode).toBe(200);
        }
        await v.app.inject({ method: "GET", url: "/login" });
        const probes = requests().filter((l) => String(l.route).endsWith("z"));
        expect(probes, level).toHaveLength(expected);
        expect(requests().some((l) => l.route === "/login")).toBe(true);
      } finally {
        await v.close();
      }
    }
  });

  it("a busy refusal (the hasher full) is quiet at info and written at debug; the route's other answers stay at info", async () => {
    for (const [level, expected] of [
      ["info", 0],
      ["debug", 2],
    ] as const) {
      const { v, requests } = await logged(level);
      try {
        const saturated = vi.spyOn(v.system.hasher as GatedHasher, "saturated");
        saturated.mockReturnValue(true);
        const b = v.browser();
        expect((await b.get("/login")).statusCode).toBe(503);
        expect((await b.post("/login", { username: "x", password: "y" })).statusCode).toBe(503);
        const busy = requests().filter((l) => l.status === 503);
        expect(busy, level).toHaveLength(expected);
        for (const line of busy) expect(line).toMatchObject({ level: 20, route: "/login" });
        saturated.mockRestore();
        // Any other answer of the same route stays at info.
        expect((await b.get("/login")).statusCode).toBe(200);
        expect(requests().filter((l) => l.status === 200 && l.route === "/login")).toHaveLength(1);
      } finally {
        await v.close();
      }
    }
  });
});

describe("security events are log lines too", () => {
  it("a lock, Force New Password and a settings change; no typed username, password or cookie", async () => {
    const { v, raw, events } = await logged("info", ["app"], {
      LIMIT_SECOND_FACTOR: "2/86400/900",
    });
    try {
      const admin = await v.addUser("root", { role: "administrator" });
      const lena = await v.addUser("lena");
      const secret = await v.enrolApp(lena);
      // Someone types their password into the username field.
      const typo = v.browser();
      await typo.get("/login");
      await typo.post("/login", { username: DEFAULT_PASSWORD, password: "x" });
      // Two wrong codes lock lena's second factor.
      const b = v.browser("198.51.100.7");
      await b.get("/login");
      await b.post("/login", { username: "lena", password: DEFAULT_PASSWORD });
      await b.get("/login/verify");
      await b.post("/login/verify", { code: v.totp(secret, 10) });
      await b.post("/login/verify", { code: v.totp(secret, 12) });
      // The administrator forces a new password and changes the methods.
      const staff = await v.signIn("root", await v.enrolApp(admin));
      await staff.get(`/users/${lena.id}/force-new-password`);
      await staff.post(`/users/${lena.id}/force-new-password`, {});
      await staff.get("/settings");
      await staff.post("/settings", { methods: ["app", "email"] });

      expect(events()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 30, event: "signin_failed", userId: null }),
          expect.objectContaining({
            level: 40,
            event: "second_factor_locked",
            userId: lena.id,
            ip: "198.51.100.7",
          }),
          expect.objectContaining({
            level: 30,
            event: "force_new_password",
            userId: lena.id,
            actorId: admin.id,
          }),
          expect.objectContaining({
            level: 30,
            event: "settings_changed",
            actorId: admin.id,
            detail: { methods: { from: ["app"], to: ["app", "email"] }, via: "web" },
          }),
        ]),
      );
      const log = raw.join("");
      expect(log).not.toContain(DEFAULT_PASSWORD);
      expect(log).not.toContain(staff.jar.get("vst_session")!);
      expect(log).not.toContain('"username"');
    } finally {
      await v.close();
    }
  });

  it("an event in a transaction is logged once it commits, never when it rolls back", async () => {
    const { v, events } = await logged("info");
    try {
      const { stores, audit } = v.system;
      const event = { type: "settings_changed", detail: { via: "cli" } } as const;
      await expect(
        stores.atomically(async (tx) => {
          await audit({ ...event, ip: "192.0.2.1" }, tx);
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      expect(events()).toEqual([]);
      await stores.atomically(async (tx) => {
        await audit({ ...event, ip: "192.0.2.2" }, tx);
        // Written in the transaction, not yet committed: not yet a line.
        expect(events()).toEqual([]);
      });
      expect(events()).toEqual([
        expect.objectContaining({ event: "settings_changed", ip: "192.0.2.2" }),
      ]);
      expect(await stores.audit.list({ type: "settings_changed", limit: 10 })).toHaveLength(1);
    } finally {
      await v.close();
    }
  });

  it("a provider failure is a warning naming the provider's status, not the code", async () => {
    const { v, raw, events } = await logged("info", ["sms"], {
      SMS_PROVIDER: "webhook",
      SMS_WEBHOOK_URL: webhook.url,
      SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    try {
      const sam = await v.addUser("sam", { phone: "+61412345002" });
      webhook.failNext(500);
      const b = v.browser();
      await b.get("/login");
      const res = await b.post("/login", { username: "sam", password: DEFAULT_PASSWORD });
      expect(location(res)).toMatch(/^\/login\/verify/);
      const failed = events().find((l) => l.event === "code_send_failed");
      expect(failed).toMatchObject({ level: 40, userId: sam.id, detail: { method: "sms" } });
      expect(JSON.stringify(failed)).toMatch(/500/);
      // The code the gateway was sent never reaches the log.
      const sent = webhook.messages.at(-1);
      const code = /^(\d{6})/.exec(sent?.body ?? "")?.[1];
      expect(code).toMatch(/^\d{6}$/);
      expect(raw.join("")).not.toContain(code!);
    } finally {
      await v.close();
    }
  });
});
