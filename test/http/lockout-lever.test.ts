// Issue 14 (the lockout lever): 10 wrong passwords from anywhere used to block the right
// one for everyone for 15 minutes. Now wrong passwords count per account and address
// (tight) and per account alone (loose), and a browser that signed in before carries a
// signed device cookie with an allowance of its own (OWASP "device cookies"): an attacker
// elsewhere cannot lock the owner out, and guessing spread over many addresses still stops.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const OWNER_IP = "198.51.100.7";
const ATTACKER_IP = "203.0.113.9";
const spread = (i: number) => `10.20.${i >> 8}.${i & 255}`;

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/**
 * Password only (no second factor), the default limits (10 per account and address in 15
 * minutes, 100 per account in an hour) but the address counter's, which the spread
 * addresses here would never reach anyway; the cheap test hash keeps 100 guesses quick.
 */
async function start(env: Record<string, string> = {}): Promise<Vestibule> {
  t = await startVestibule({
    methods: [],
    env: { VESTIBULE_TEST_CHEAP_HASH: "1", LIMIT_PASSWORD_IP: "1000/900/900", ...env },
  });
  await t.addUser("olive");
  return t;
}

async function guess(b: Browser, password: string, username = "olive") {
  if (!b.html.includes('name="_csrf"')) await b.get("/login");
  const res = await b.post("/login", { username, password });
  if (res.statusCode !== 303) await b.get("/login");
  return res;
}

describe("wrong passwords elsewhere do not lock the owner out", () => {
  it("10 wrong passwords from one address block that address, not the owner's", async () => {
    const v = await start();
    const attacker = v.browser(ATTACKER_IP);
    for (let i = 0; i < 10; i++) expect((await guess(attacker, `guess ${i}`)).statusCode).toBe(401);
    expect((await guess(attacker, DEFAULT_PASSWORD)).statusCode).toBe(429);
    const owner = v.browser(OWNER_IP);
    expect(location(await guess(owner, DEFAULT_PASSWORD))).toBe("/");
  });

  it("guessing spread over many addresses is still stopped by the account's own count", async () => {
    const v = await start();
    for (let i = 0; i < 100; i++) {
      expect((await guess(v.browser(spread(i)), `guess ${i}`)).statusCode).toBe(401);
    }
    const next = await guess(v.browser(spread(100)), DEFAULT_PASSWORD);
    expect(next.statusCode).toBe(429);
    expect(Number(next.headers["retry-after"])).toBeGreaterThan(3000);
    // The owner's fresh browser is held too: this is what the device cookie is for.
    expect((await guess(v.browser(OWNER_IP), DEFAULT_PASSWORD)).statusCode).toBe(429);
  });

  it("a browser that signed in before keeps its own allowance through that attack", async () => {
    const v = await start();
    const owner = v.browser(OWNER_IP);
    expect(location(await guess(owner, DEFAULT_PASSWORD))).toBe("/");
    const device = owner.jar.get("vst_device");
    expect(device).toMatch(/^d1\./);
    await owner.post("/logout", {});
    for (let i = 0; i < 100; i++) await guess(v.browser(spread(i)), `guess ${i}`);
    expect((await guess(v.browser(spread(199)), DEFAULT_PASSWORD)).statusCode).toBe(429);
    // A typo, then the right password, from the owner's browser — from any address.
    expect((await guess(owner, "a typo")).statusCode).toBe(401);
    expect(location(await guess(owner, DEFAULT_PASSWORD))).toBe("/");
    const travelling = v.browser("192.0.2.55");
    travelling.jar.set("vst_device", owner.jar.get("vst_device") ?? "");
    expect(location(await guess(travelling, DEFAULT_PASSWORD))).toBe("/");
    // Each sign-in gives the browser a fresh cookie.
    expect(owner.jar.get("vst_device")).not.toBe(device);
  });

  it("a forged device cookie, or one issued to another user, gives nothing", async () => {
    const v = await start();
    await v.addUser("bob");
    const bob = v.browser(OWNER_IP);
    expect(location(await guess(bob, DEFAULT_PASSWORD, "bob"))).toBe("/");
    const bobs = bob.jar.get("vst_device") ?? "";
    for (let i = 0; i < 100; i++) await guess(v.browser(spread(i)), `guess ${i}`);
    const forged = `${bobs.slice(0, -1)}${bobs.endsWith("0") ? "1" : "0"}`;
    for (const cookie of [bobs, forged, "d1.AAAAAAAAAAAAAAAAAAAAAA.1.00"]) {
      const b = v.browser(OWNER_IP);
      b.jar.set("vst_device", cookie);
      expect((await guess(b, DEFAULT_PASSWORD)).statusCode).toBe(429);
    }
  });

  it("the device cookie is its own: HttpOnly, SameSite, 180 days, not the session", async () => {
    const v = await start();
    const b = v.browser(OWNER_IP);
    await b.get("/login");
    const res = await b.post("/login", { username: "olive", password: DEFAULT_PASSWORD });
    const header = ([] as string[])
      .concat(res.headers["set-cookie"] ?? [])
      .find((c) => c.startsWith("vst_device="));
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Max-Age=15552000/);
    expect(b.jar.get("vst_device")).not.toBe(b.jar.get("vst_session"));
  });
});

describe("races", () => {
  it("30 wrong guesses at once with one device cookie: 10 reach argon2, the owner elsewhere signs in", async () => {
    const v = await start();
    const owner = v.browser(OWNER_IP);
    expect(location(await guess(owner, DEFAULT_PASSWORD))).toBe("/");
    const stolen = owner.jar.get("vst_device") ?? "";
    const thief = v.browser(ATTACKER_IP);
    thief.jar.set("vst_device", stolen);
    await thief.get("/login");
    const verify = vi.spyOn(v.system.hasher, "verify");
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        thief.post("/login", { username: "olive", password: `guess ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(verify).toHaveBeenCalledTimes(10);
    verify.mockRestore();
    // The account's own counts were not touched: the owner, without that cookie, signs in.
    expect(location(await guess(v.browser("192.0.2.200"), DEFAULT_PASSWORD))).toBe("/");
  });

  it("120 wrong guesses at once from 120 addresses: the account's 100 reach argon2", async () => {
    // A hasher queue that takes them all: none is turned away as busy (503).
    const v = await start({ HASH_QUEUE: "200" });
    const browsers = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const b = v.browser(spread(i));
        await b.get("/login");
        return b;
      }),
    );
    const verify = vi.spyOn(v.system.hasher, "verify");
    const results = await Promise.all(
      browsers.map((b, i) => b.post("/login", { username: "olive", password: `guess ${i}` })),
    );
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(100);
    expect(results.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(100);
    verify.mockRestore();
  });
});
