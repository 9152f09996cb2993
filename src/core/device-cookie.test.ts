import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DEVICE_COOKIE_MAX_AGE_MS,
  issueDeviceCookie,
  verifyDeviceCookie,
} from "./device-cookie.js";
import { deriveKey } from "./secrets.js";

const KEY = deriveKey("k".repeat(40), "device-cookie");
const OLD_KEY = deriveKey("o".repeat(40), "device-cookie");
const NOW = Date.UTC(2030, 0, 1);
const random = { bytes: (n: number) => randomBytes(n) };

describe("device cookies (OWASP)", () => {
  it("verifies for the username it was issued to, and names a device id", () => {
    const value = issueDeviceCookie(KEY, "alice", NOW, random);
    expect(value).toMatch(/^d1\.[A-Za-z0-9_-]{22}\.\d+\.[0-9a-f]{64}$/);
    expect(value).not.toContain("alice");
    const check = verifyDeviceCookie([KEY], value, "alice", NOW + 1000);
    expect(check).toEqual({ ok: true, deviceId: value.split(".")[1], issuedAt: NOW });
  });

  it("two browsers get two device ids", () => {
    const a = issueDeviceCookie(KEY, "alice", NOW, random);
    const b = issueDeviceCookie(KEY, "alice", NOW, random);
    expect(a.split(".")[1]).not.toBe(b.split(".")[1]);
  });

  it("another user's cookie, a forged or altered one, or garbage gives nothing", () => {
    const bobs = issueDeviceCookie(KEY, "bob", NOW, random);
    expect(verifyDeviceCookie([KEY], bobs, "alice", NOW)).toEqual({ ok: false });
    const [v, id, at, tag] = issueDeviceCookie(KEY, "alice", NOW, random).split(".") as [
      string,
      string,
      string,
      string,
    ];
    const flip = (s: string) => (s[0] === "a" ? "b" : "a") + s.slice(1);
    for (const forged of [
      [v, flip(id), at, tag].join("."), // another device id
      [v, id, String(NOW + 1), tag].join("."), // another issue time
      [v, id, at, flip(tag)].join("."), // another MAC
      issueDeviceCookie(randomBytes(32), "alice", NOW, random), // someone else's key
      "",
      "d1...",
      `${[v, id, at, tag].join(".")}.extra`,
    ]) {
      expect(verifyDeviceCookie([KEY], forged, "alice", NOW)).toEqual({ ok: false });
    }
    expect(verifyDeviceCookie([KEY], undefined, "alice", NOW)).toEqual({ ok: false });
  });

  it("expires after its maximum age; one from the future is refused", () => {
    const value = issueDeviceCookie(KEY, "alice", NOW, random);
    expect(verifyDeviceCookie([KEY], value, "alice", NOW + DEVICE_COOKIE_MAX_AGE_MS).ok).toBe(true);
    expect(verifyDeviceCookie([KEY], value, "alice", NOW + DEVICE_COOKIE_MAX_AGE_MS + 1)).toEqual({
      ok: false,
    });
    expect(verifyDeviceCookie([KEY], value, "alice", NOW + 1000, 500)).toEqual({ ok: false });
    expect(verifyDeviceCookie([KEY], value, "alice", NOW - 3_600_000)).toEqual({ ok: false });
  });

  it("a cookie signed with the previous SECRET_KEY still verifies after a rotation", () => {
    const value = issueDeviceCookie(OLD_KEY, "alice", NOW, random);
    expect(verifyDeviceCookie([KEY, OLD_KEY], value, "alice", NOW).ok).toBe(true);
    expect(verifyDeviceCookie([KEY], value, "alice", NOW).ok).toBe(false);
  });
});
