import { describe, expect, it } from "vitest";
import type { Random } from "./ports/runtime.js";
import {
  createSecretBox,
  deriveKey,
  hashToken,
  hmacHex,
  keyId,
  newToken,
  safeEqual,
  totpSecretAad,
} from "./secrets.js";

const random: Random = {
  bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))),
  int: (max) => Math.floor(Math.random() * max),
};

const OLD = "old-secret-key-0123456789abcdefghijklmnopqrstuvwxyz";
const NEW = "new-secret-key-0123456789abcdefghijklmnopqrstuvwxyz";

function keyFor(secret: string) {
  const key = deriveKey(secret, "totp-secret-box");
  return { id: keyId(key), key };
}

describe("deriveKey", () => {
  it("gives 32 bytes, different per purpose and per secret", () => {
    const a = deriveKey(OLD, "totp-secret-box");
    expect(a.length).toBe(32);
    expect(a.equals(deriveKey(OLD, "totp-secret-box"))).toBe(true);
    expect(a.equals(deriveKey(OLD, "csrf"))).toBe(false);
    expect(a.equals(deriveKey(NEW, "totp-secret-box"))).toBe(false);
  });
});

describe("secret box (AES-256-GCM)", () => {
  const box = createSecretBox([keyFor(OLD)], random);
  const AAD = totpSecretAad("user-1");

  it("round-trips, and the box does not contain the plaintext", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", AAD);
    expect(sealed).not.toContain("JBSWY3DP");
    expect(sealed.startsWith(`v1.${keyFor(OLD).id}.`)).toBe(true);
    expect(box.open(sealed, AAD)).toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
  });

  it("uses a fresh IV: the same plaintext seals differently", () => {
    expect(box.seal("same", AAD)).not.toBe(box.seal("same", AAD));
  });

  it.each([
    ["ciphertext", 4],
    ["tag", 3],
    ["iv", 2],
  ])("refuses a box whose %s was changed", (_part, index) => {
    const parts = box.seal("JBSWY3DPEHPK3PXP", AAD).split(".");
    const bytes = Buffer.from(parts[index]!, "base64url");
    bytes[0] = bytes[0]! ^ 1;
    parts[index] = bytes.toString("base64url");
    expect(() => box.open(parts.join("."), AAD)).toThrow();
  });

  it("refuses an unknown key id, version or a truncated box", () => {
    const parts = box.seal("x", AAD).split(".");
    expect(() => box.open(["v1", "nokey", ...parts.slice(2)].join("."), AAD)).toThrow();
    expect(() => box.open(["v9", ...parts.slice(1)].join("."), AAD)).toThrow();
    expect(() => box.open(parts.slice(0, 3).join("."), AAD)).toThrow();
    expect(() => box.open("", AAD)).toThrow();
  });

  it("refuses a box sealed for another purpose (AAD)", () => {
    expect(() => box.open(box.seal("x", "vestibule:other"), AAD)).toThrow();
  });

  it("a user's TOTP box copied onto another user's row does not open there", () => {
    const mallorys = box.seal("JBSWY3DPEHPK3PXP", totpSecretAad("mallory-id"));
    expect(box.open(mallorys, totpSecretAad("mallory-id"))).toBe("JBSWY3DPEHPK3PXP");
    expect(() => box.open(mallorys, totpSecretAad("victim-id"))).toThrow();
    // Ids that differ only by a prefix do not share a binding either.
    expect(() => box.open(mallorys, totpSecretAad("mallory-i"))).toThrow();
    expect(totpSecretAad("u1")).toBe("totp:u1");
  });

  it("rotation: a box sealed under the old key opens when the old key is listed second", () => {
    const sealedOld = createSecretBox([keyFor(OLD)], random).seal("OLDSECRET", AAD);
    const rotated = createSecretBox([keyFor(NEW), keyFor(OLD)], random);
    expect(rotated.open(sealedOld, AAD)).toBe("OLDSECRET");
    // New boxes are sealed under the new (first) key…
    const sealedNew = rotated.seal("NEWSECRET", AAD);
    expect(sealedNew.split(".")[1]).toBe(keyFor(NEW).id);
    // …which the old-key-only box cannot open.
    expect(() => createSecretBox([keyFor(OLD)], random).open(sealedNew, AAD)).toThrow();
    // Dropping the old key makes old boxes unreadable.
    expect(() => createSecretBox([keyFor(NEW)], random).open(sealedOld, AAD)).toThrow();
  });

  it("needs at least one key", () => {
    expect(() => createSecretBox([], random)).toThrow();
  });
});

describe("tokens and comparisons", () => {
  it("newToken is 256 bits of base64url", () => {
    const t = newToken(random);
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken(random)).not.toBe(t);
  });

  it("hashToken is SHA-256 hex and not the token", () => {
    expect(hashToken("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("safeEqual compares exactly", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
  });

  it("hmacHex depends on key and value", () => {
    const k1 = deriveKey(OLD, "csrf");
    const k2 = deriveKey(NEW, "csrf");
    expect(hmacHex(k1, "v")).toMatch(/^[0-9a-f]{64}$/);
    expect(hmacHex(k1, "v")).not.toBe(hmacHex(k2, "v"));
    expect(hmacHex(k1, "v")).not.toBe(hmacHex(k1, "w"));
  });
});
