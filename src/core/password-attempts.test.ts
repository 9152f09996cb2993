import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPasswordLimiters } from "../limits/password-limiters.js";
import { issueDeviceCookie, verifyDeviceCookie } from "./device-cookie.js";
import {
  checkPasswordAttempt,
  type PasswordAttempt,
  type PasswordLimiters,
  reservePasswordAttempt,
} from "./password-attempts.js";
import { deriveKey } from "./secrets.js";

// The defaults of config.ts.
const RULES = {
  accountAddress: { points: 10, windowSeconds: 900, blockSeconds: 900 },
  account: { points: 100, windowSeconds: 3600, blockSeconds: 3600 },
  address: { points: 50, windowSeconds: 900, blockSeconds: 900 },
  device: { points: 10, windowSeconds: 900, blockSeconds: 900 },
};
const NOW = Date.UTC(2030, 0, 1);
const DEVICE_KEY = deriveKey("k".repeat(40), "device-cookie");
const random = { bytes: (n: number) => randomBytes(n) };

const OWNER_IP = "198.51.100.7";
const ATTACKER_IP = "203.0.113.9";

type Outcome = "right" | "wrong" | "fault" | "throttled";

/**
 * submitPassword's order, as the flow will run it: check → well formed → reserve before
 * argon2 → settle. `right` stands for argon2's answer.
 */
async function attempt(
  limits: PasswordLimiters,
  who: PasswordAttempt & { cookie?: string },
  right: boolean | "fault",
): Promise<Outcome> {
  const device = verifyDeviceCookie([DEVICE_KEY], who.cookie, who.username, Date.now());
  const counted: PasswordAttempt = {
    username: who.username,
    ip: who.ip,
    deviceId: device.ok ? device.deviceId : undefined,
  };
  if (!(await checkPasswordAttempt(limits, counted)).ok) return "throttled";
  const reservation = await reservePasswordAttempt(limits, counted);
  if (!reservation.ok) return "throttled";
  await Promise.resolve(); // argon2 runs here
  if (right === "fault") {
    await reservation.giveBack();
    return "fault";
  }
  if (right) await reservation.succeeded();
  return right ? "right" : "wrong";
}

const addressNumber = (i: number) => `192.0.2.${i % 250}`;
const spreadIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe("password attempts: four counters and device cookies", () => {
  let limits: PasswordLimiters;

  beforeEach(() => {
    limits = createPasswordLimiters(RULES, { kind: "memory" });
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("an attacker exhausting the account's tight limit elsewhere does not block the owner", async () => {
    const attacker = { username: "alice", ip: ATTACKER_IP };
    for (let i = 0; i < 10; i++) expect(await attempt(limits, attacker, false)).toBe("wrong");
    expect(await attempt(limits, attacker, false)).toBe("throttled");
    expect(await attempt(limits, attacker, true)).toBe("throttled"); // even the right one
    expect(await attempt(limits, { username: "alice", ip: OWNER_IP }, true)).toBe("right");
  });

  it("the loose account-wide limit still stops guessing spread over many addresses", async () => {
    for (let i = 0; i < 100; i++) {
      expect(await attempt(limits, { username: "alice", ip: spreadIp(i) }, false)).toBe("wrong");
    }
    const fresh = { username: "alice", ip: spreadIp(100) };
    expect(await attempt(limits, fresh, false)).toBe("throttled");
    const gate = await checkPasswordAttempt(limits, fresh);
    expect(gate).toEqual({ ok: false, limit: "account", retryAfterMs: 3_600_000 });
    // Another account is not affected.
    expect(await attempt(limits, { username: "bob", ip: spreadIp(100) }, true)).toBe("right");
  });

  it("a browser with a valid device cookie keeps its own allowance through that attack", async () => {
    const cookie = issueDeviceCookie(DEVICE_KEY, "alice", NOW - 86_400_000, random);
    for (let i = 0; i < 100; i++)
      await attempt(limits, { username: "alice", ip: spreadIp(i) }, false);
    const owner = { username: "alice", ip: OWNER_IP };
    expect(await attempt(limits, owner, true)).toBe("throttled"); // no cookie: the account's limit
    // With the cookie: a typo or two, then the right password.
    expect(await attempt(limits, { ...owner, cookie }, false)).toBe("wrong");
    expect(await attempt(limits, { ...owner, cookie }, true)).toBe("right");
    // and from any address: the cookie is the browser, not the network
    expect(await attempt(limits, { ...owner, ip: "192.0.2.77", cookie }, true)).toBe("right");
  });

  it("a forged, expired or other user's device cookie gives nothing", async () => {
    for (let i = 0; i < 100; i++)
      await attempt(limits, { username: "alice", ip: spreadIp(i) }, false);
    const good = issueDeviceCookie(DEVICE_KEY, "alice", NOW, random);
    const forged = `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`;
    const bobs = issueDeviceCookie(DEVICE_KEY, "bob", NOW, random);
    const otherKey = issueDeviceCookie(
      deriveKey("x".repeat(40), "device-cookie"),
      "alice",
      NOW,
      random,
    );
    const expired = issueDeviceCookie(DEVICE_KEY, "alice", NOW - 181 * 86_400_000, random);
    for (const cookie of [forged, bobs, otherKey, expired, "d1.x.1.y"]) {
      expect(await attempt(limits, { username: "alice", ip: OWNER_IP, cookie }, true)).toBe(
        "throttled",
      );
    }
    expect(await attempt(limits, { username: "alice", ip: OWNER_IP, cookie: good }, true)).toBe(
      "right",
    );
  });

  it("a device cookie has its own limit: a stolen one guesses no more than 10", async () => {
    const cookie = issueDeviceCookie(DEVICE_KEY, "alice", NOW, random);
    const thief = { username: "alice", ip: ATTACKER_IP, cookie };
    for (let i = 0; i < 10; i++) expect(await attempt(limits, thief, false)).toBe("wrong");
    expect(await attempt(limits, thief, true)).toBe("throttled");
    // The owner's other browsers and addresses are untouched by what the cookie spent.
    expect(await attempt(limits, { username: "alice", ip: OWNER_IP }, true)).toBe("right");
  });

  it("the address limit holds one place trying many accounts", async () => {
    for (let i = 0; i < 50; i++) {
      expect(await attempt(limits, { username: `user${i}`, ip: ATTACKER_IP }, false)).toBe("wrong");
    }
    expect(await attempt(limits, { username: "user50", ip: ATTACKER_IP }, false)).toBe("throttled");
    expect(await checkPasswordAttempt(limits, { username: "x", ip: ATTACKER_IP })).toMatchObject({
      ok: false,
      limit: "address",
    });
  });

  it("blocks end with their time", async () => {
    const attacker = { username: "alice", ip: ATTACKER_IP };
    for (let i = 0; i < 10; i++) await attempt(limits, attacker, false);
    vi.advanceTimersByTime(899_000);
    expect(await attempt(limits, attacker, true)).toBe("throttled");
    vi.advanceTimersByTime(2000);
    expect(await attempt(limits, attacker, true)).toBe("right");
  });

  it("a right password forgets this browser's count and gives back its shared points", async () => {
    const owner = { username: "alice", ip: OWNER_IP };
    for (let i = 0; i < 9; i++) await attempt(limits, owner, false);
    expect(await attempt(limits, owner, true)).toBe("right");
    for (let i = 0; i < 10; i++) expect(await attempt(limits, owner, false)).toBe("wrong");
    expect(await attempt(limits, owner, false)).toBe("throttled");
  });

  it("a server fault gives every point back, including a block it started", async () => {
    const owner = { username: "alice", ip: OWNER_IP };
    for (let i = 0; i < 9; i++) await attempt(limits, owner, false);
    // The 10th takes the last point (and starts the block), then the hasher fails.
    expect(await attempt(limits, owner, "fault")).toBe("fault");
    expect(await attempt(limits, owner, true)).toBe("right");
  });

  it("reports the counters a wrong password has now blocked (for the audit)", async () => {
    const who = { username: "alice", ip: ATTACKER_IP };
    for (let i = 0; i < 9; i++) await attempt(limits, who, false);
    const last = await reservePasswordAttempt(limits, who);
    expect(last.ok && last.exhausted).toEqual(["accountAddress"]);
  });

  it("parallel guesses from one address: exactly 10 reach argon2", async () => {
    const who = { username: "alice", ip: ATTACKER_IP };
    const results = await Promise.all(
      Array.from({ length: 60 }, () => reservePasswordAttempt(limits, who)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    // and the owner, elsewhere, is not held up by them
    expect(await attempt(limits, { username: "alice", ip: OWNER_IP }, true)).toBe("right");
  });

  it("parallel guesses from 300 addresses: exactly 100 reach argon2", async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        reservePasswordAttempt(limits, { username: "alice", ip: spreadIp(i) }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
  });

  it("parallel guesses with one device cookie: exactly 10 reach argon2", async () => {
    const cookie = issueDeviceCookie(DEVICE_KEY, "alice", NOW, random);
    const device = verifyDeviceCookie([DEVICE_KEY], cookie, "alice", NOW);
    if (!device.ok) throw new Error("cookie did not verify");
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        reservePasswordAttempt(limits, {
          username: "alice",
          ip: addressNumber(i),
          deviceId: device.deviceId,
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
  });
});
