import { Secret } from "otpauth";
import { describe, expect, it } from "vitest";
import type { Random } from "./ports/runtime.js";
import {
  generateTotp,
  generateTotpSecret,
  groupSecret,
  matchTotpStep,
  totpClockOffsetSeconds,
  totpStep,
  totpUri,
} from "./totp.js";

// A fixed clock: 10 s into a step, so a 30 s move is exactly one step.
const NOW = Date.UTC(2030, 0, 1, 0, 0, 10);
const STEP_MS = 30_000;

function fixedRandom(bytes: Buffer): Random {
  return { bytes: (n) => bytes.subarray(0, n), int: () => 0 };
}

const SECRET = generateTotpSecret(fixedRandom(Buffer.alloc(32, 0xab)));

describe("generateTotpSecret", () => {
  it("is 20 bytes (160 bits) from the random source, unpadded base32", () => {
    const source = Buffer.from("000102030405060708090a0b0c0d0e0f1011121314151617", "hex");
    const secret = generateTotpSecret(fixedRandom(source));
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(Buffer.from(Secret.fromBase32(secret).bytes)).toEqual(source.subarray(0, 20));
  });

  it("differs for different random bytes", () => {
    const a = generateTotpSecret(fixedRandom(Buffer.alloc(20, 1)));
    const b = generateTotpSecret(fixedRandom(Buffer.alloc(20, 2)));
    expect(a).not.toBe(b);
  });
});

describe("matchTotpStep (fixed clock)", () => {
  const step = totpStep(NOW);

  it("accepts the current step and returns it", () => {
    expect(matchTotpStep(SECRET, generateTotp(SECRET, NOW), NOW)).toBe(step);
  });

  it("accepts one step either side and says which step matched", () => {
    expect(matchTotpStep(SECRET, generateTotp(SECRET, NOW - STEP_MS), NOW)).toBe(step - 1);
    expect(matchTotpStep(SECRET, generateTotp(SECRET, NOW + STEP_MS), NOW)).toBe(step + 1);
  });

  it("refuses two steps either side", () => {
    const early = generateTotp(SECRET, NOW - 2 * STEP_MS);
    const late = generateTotp(SECRET, NOW + 2 * STEP_MS);
    // Guard: the codes must not collide with the ±1 window by chance.
    const window = [-1, 0, 1].map((d) => generateTotp(SECRET, NOW + d * STEP_MS));
    expect(window).not.toContain(early);
    expect(window).not.toContain(late);
    expect(matchTotpStep(SECRET, early, NOW)).toBeNull();
    expect(matchTotpStep(SECRET, late, NOW)).toBeNull();
  });

  it("refuses another secret's code", () => {
    const other = generateTotpSecret(fixedRandom(Buffer.alloc(20, 7)));
    expect(matchTotpStep(SECRET, generateTotp(other, NOW), NOW)).toBeNull();
  });

  it.each([
    ["letters", "abcdef"],
    ["a digit short", "12345"],
    ["a digit long", "1234567"],
    ["empty", ""],
    ["padded", " 12345"],
    ["signed", "+12345"],
    ["non-ASCII digits", "١٢٣٤٥٦"],
    ["decimal point", "1234.5"],
  ])("refuses a non-6-digit code (%s)", (_label, code) => {
    expect(matchTotpStep(SECRET, code, NOW)).toBeNull();
  });

  it("refuses the right digits with trailing junk", () => {
    expect(matchTotpStep(SECRET, `${generateTotp(SECRET, NOW)}\n`, NOW)).toBeNull();
    expect(matchTotpStep(SECRET, `${generateTotp(SECRET, NOW)}0`, NOW)).toBeNull();
  });
});

describe("totpUri", () => {
  it("is otpauth://totp/APP:USER?secret=…&issuer=APP with the secret unpadded", () => {
    const uri = totpUri("Vestibule", "alice", SECRET);
    expect(uri.startsWith("otpauth://totp/Vestibule:alice?")).toBe(true);
    const params = new URL(uri).searchParams;
    expect(params.get("secret")).toBe(SECRET);
    expect(params.get("secret")).not.toContain("=");
    expect(params.get("issuer")).toBe("Vestibule");
    // Parameters every app understands; the defaults, stated.
    expect(params.get("algorithm")).toBe("SHA1");
    expect(params.get("digits")).toBe("6");
    expect(params.get("period")).toBe("30");
  });

  it("URL-encodes issuer and username in the label", () => {
    const uri = totpUri("Acme Corp", "bob.smith@example.org", SECRET);
    const label = uri.slice("otpauth://totp/".length, uri.indexOf("?"));
    expect(label).toBe("Acme%20Corp:bob.smith%40example.org");
    expect(new URL(uri).searchParams.get("issuer")).toBe("Acme Corp");
    expect(uri).not.toMatch(/\s/);
  });

  it("cannot be steered by a colon, ampersand or question mark in a name", () => {
    const uri = totpUri("A&B", "eve?secret=AAAA:x", SECRET);
    const url = new URL(uri);
    expect(url.searchParams.getAll("secret")).toEqual([SECRET]);
    expect(url.searchParams.get("issuer")).toBe("A&B");
  });
});

describe("groupSecret", () => {
  it("groups the key in fours for manual entry, losing nothing", () => {
    const grouped = groupSecret(SECRET);
    expect(grouped).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(grouped.replace(/ /g, "")).toBe(SECRET);
  });
});

describe("totpClockOffsetSeconds (issue 11: a phone's clock off)", () => {
  const secret = "JBSWY3DPEHPK3PXP";
  const now = Date.UTC(2030, 0, 1, 12, 0, 5);
  it("says how far ahead or behind, up to 10 minutes; nothing inside the accepted window or beyond", () => {
    expect(totpClockOffsetSeconds(secret, generateTotp(secret, now + 5 * 60_000), now)).toBe(300);
    expect(totpClockOffsetSeconds(secret, generateTotp(secret, now - 3 * 60_000), now)).toBe(-180);
    expect(totpClockOffsetSeconds(secret, generateTotp(secret, now + 10 * 60_000), now)).toBe(600);
    expect(totpClockOffsetSeconds(secret, generateTotp(secret, now + 30_000), now)).toBeNull();
    expect(totpClockOffsetSeconds(secret, generateTotp(secret, now + 11 * 60_000), now)).toBeNull();
    expect(totpClockOffsetSeconds(secret, "abc", now)).toBeNull();
    // Never a match: the accepted window is matchTotpStep's alone.
    expect(matchTotpStep(secret, generateTotp(secret, now + 5 * 60_000), now)).toBeNull();
  });
});
