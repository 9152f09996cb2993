import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from "node:crypto";
import type { Random } from "./ports/runtime.js";

// Keys for different purposes are derived from SECRET_KEY with HKDF, so one leaked
// derived key (say the CSRF key) says nothing about the others.
export function deriveKey(secretKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secretKey, "vestibule", purpose, 32));
}

/** A bearer token for a cookie: 256 bits, base64url. */
export function newToken(random: Random): string {
  return random.bytes(32).toString("base64url");
}

/** Tokens are stored only as their SHA-256, so a read of the table yields no live cookie. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function hmacHex(key: Buffer, value: string): string {
  return createHmac("sha256", key).update(value).digest("hex");
}

/** Constant-time comparison of two strings of any length (compares digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

const BOX_VERSION = "v1";

/**
 * AES-256-GCM for secrets at rest (TOTP keys). Format: v1.<keyId>.<iv>.<tag>.<ciphertext>,
 * base64url parts. The key id lets an operator rotate SECRET_KEY and still read old boxes.
 * `aad` (authenticated, not stored) binds a box to what it belongs to, e.g. its user: a
 * box copied to another row does not open there.
 */
export interface SecretBox {
  seal(plaintext: string, aad: string): string;
  /** Throws UnreadableSecret when the box does not open here. */
  open(box: string, aad: string): string;
}

/**
 * A box that does not open: unknown format or key id, another row's box (AAD), a key
 * rotated away without SECRET_KEY_PREVIOUS. Our fault, never the user's (503).
 */
export class UnreadableSecret extends Error {
  override readonly name = "UnreadableSecret";
}

/** The AAD of a user's TOTP secret: someone who can write the database cannot move it. */
export function totpSecretAad(userId: string): string {
  return `totp:${userId}`;
}

export function createSecretBox(keys: { id: string; key: Buffer }[], random: Random): SecretBox {
  const current = keys[0];
  if (!current) throw new Error("createSecretBox needs at least one key");
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    seal(plaintext, aad) {
      const iv = random.bytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(Buffer.from(aad));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [BOX_VERSION, current.id, iv, tag, data]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    },
    open(box, aad) {
      const [version, keyId, iv, tag, data] = box.split(".");
      const key = keyId === undefined ? undefined : byId.get(keyId);
      if (version !== BOX_VERSION || !key || !iv || !tag || data === undefined) {
        throw new UnreadableSecret("secret box: unknown format or key id");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(aad));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([
          decipher.update(Buffer.from(data, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new UnreadableSecret("secret box: does not open (another key, row or a damaged box)");
      }
    },
  };
}

/** A short, stable, non-secret id for a key, so boxes name the key that sealed them. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}
