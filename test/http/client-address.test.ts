// Security review: limits keyed on a client address count an IPv6 client by its /64 (it
// can take a new address in it per request), and the development outbox, which shows
// every code, answers only a browser on this machine.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, location, startVestibule, type Vestibule } from "../support/harness.js";

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function tryPassword(a: Vestibule, ip: string, username: string, password: string) {
  const b = a.browser(ip);
  await b.get("/login");
  return b.post("/login", { username, password });
}

describe("password limit per client address", () => {
  it("two addresses in one /64 share it; another /64 does not", async () => {
    t = await startVestibule({
      methods: [],
      env: { LIMIT_PASSWORD_ACCOUNT: "100/900/900", LIMIT_PASSWORD_IP: "3/900/900" },
    });
    await t.addUser("alice");
    // Three guesses, each from a new address of the same /64 (and spelled differently).
    for (const [i, ip] of [
      "2001:db8:7:1::1",
      "2001:db8:7:1::2",
      "2001:DB8:7:1:0:0:0:3",
    ].entries()) {
      expect((await tryPassword(t, ip, `u${i}`, "not the password")).statusCode).toBe(401);
    }
    expect(
      (await tryPassword(t, "2001:db8:7:1:ffff::9", "alice", DEFAULT_PASSWORD)).statusCode,
    ).toBe(429);
    // The neighbouring /64 is someone else.
    expect(location(await tryPassword(t, "2001:db8:7:2::1", "alice", DEFAULT_PASSWORD))).toBe("/");
  });

  it("an IPv4-mapped IPv6 address is the same client as the IPv4 address", async () => {
    t = await startVestibule({
      methods: [],
      env: { LIMIT_PASSWORD_ACCOUNT: "100/900/900", LIMIT_PASSWORD_IP: "2/900/900" },
    });
    await t.addUser("bob");
    expect((await tryPassword(t, "198.51.100.4", "x1", "wrong password")).statusCode).toBe(401);
    expect((await tryPassword(t, "::ffff:198.51.100.4", "x2", "wrong password")).statusCode).toBe(
      401,
    );
    expect((await tryPassword(t, "198.51.100.4", "bob", DEFAULT_PASSWORD)).statusCode).toBe(429);
    expect((await tryPassword(t, "::ffff:198.51.100.4", "bob", DEFAULT_PASSWORD)).statusCode).toBe(
      429,
    );
    expect(location(await tryPassword(t, "198.51.100.5", "bob", DEFAULT_PASSWORD))).toBe("/");
  });
});

describe("code sends per client address", () => {
  it("one /64 shares the per-address send limit", async () => {
    t = await startVestibule({
      methods: ["email"],
      env: {
        LIMIT_CODE_USER_BURST: "100/30",
        LIMIT_CODE_USER: "100/900",
        LIMIT_CODE_DESTINATION: "100/3600",
        LIMIT_CODE_IP: "1/3600",
      },
    });
    await t.addUser("cy", { email: "cy@example.test" });
    await t.addUser("di", { email: "di@example.test" });
    // The password step sends the first code (outbox in tests).
    const first = t.browser("2001:db8:9:9::1");
    await first.get("/login");
    const sent = await first.post("/login", { username: "cy", password: DEFAULT_PASSWORD });
    expect(location(sent)).toBe("/login/verify");
    const second = t.browser("2001:db8:9:9::2");
    await second.get("/login");
    const held = await second.post("/login", { username: "di", password: DEFAULT_PASSWORD });
    expect(location(held)).toMatch(/^\/login\/verify\?unsent=send_throttled/);
    expect(t.system.delivery.outbox?.list().map((m) => m.to)).toEqual(["cy@example.test"]);
  });
});

describe("development outbox: this machine only", () => {
  async function withCodeSent(): Promise<Vestibule> {
    const a = await startVestibule({ methods: ["email"] });
    await a.addUser("eli", { email: "eli@example.test" });
    const b = a.browser();
    await b.get("/login");
    await b.post("/login", { username: "eli", password: DEFAULT_PASSWORD });
    expect(a.system.delivery.outbox?.list()).toHaveLength(1);
    return a;
  }

  it("serves 127.0.0.0/8, ::1 and mapped loopback", async () => {
    t = await withCodeSent();
    for (const ip of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"]) {
      const res = await t.app.inject({ url: "/dev/outbox", remoteAddress: ip });
      expect(res.statusCode, ip).toBe(200);
      expect(res.body).toContain("eli@example.test");
    }
  });

  it("answers 404 to any other client, also with a forged X-Forwarded-For", async () => {
    t = await withCodeSent();
    const code = /verification code is (\d{6})/.exec(
      t.system.delivery.outbox!.list()[0]!.body,
    )![1]!;
    for (const ip of ["10.0.0.5", "192.168.1.20", "2001:db8::5", "::ffff:10.0.0.5"]) {
      for (const headers of [{}, { "x-forwarded-for": "127.0.0.1" }]) {
        const res = await t.app.inject({ url: "/dev/outbox", remoteAddress: ip, headers });
        expect(res.statusCode, ip).toBe(404);
        expect(res.body).not.toContain(code);
        expect(res.body).not.toContain("eli@example.test");
      }
    }
  });

  it("the code screen links to it only for a loopback browser", async () => {
    t = await startVestibule({ methods: ["email"] });
    await t.addUser("fay", { email: "fay@example.test" });
    for (const [ip, linked] of [
      ["127.0.0.1", true],
      ["10.0.0.7", false],
    ] as const) {
      const b = t.browser(ip);
      await b.get("/login");
      const res = await b.post("/login", { username: "fay", password: DEFAULT_PASSWORD });
      const page = await b.follow(res);
      expect(page.statusCode).toBe(200);
      expect(page.body.includes('href="/dev/outbox"'), ip).toBe(linked);
      // The send button's answer page too.
      const resend = await b.post("/login/code", { method: "email" });
      const body = resend.statusCode === 303 ? (await b.follow(resend)).body : resend.body;
      expect(body.includes('href="/dev/outbox"'), ip).toBe(linked);
    }
  });
});
