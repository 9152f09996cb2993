import { hmacHex, safeEqual } from "./secrets.js";

// OWASP "Slow brute force / device cookies": a browser that signed in successfully gets
// a cookie naming a random device id, signed for that username with a server key. Its
// password attempts are then counted under its own key (core/password-attempts.ts), so
// guesses from elsewhere cannot lock its owner out. The username is in the MAC, not in
// the cookie: the value says nothing about who signed in, and a cookie issued to one
// user is worth nothing for another.

/** Default lifetime; a successful sign-in issues a fresh one. */
export const DEVICE_COOKIE_MAX_AGE_MS = 180 * 24 * 3600 * 1000;

const VERSION = "d1";
const FORMAT = /^d1\.([A-Za-z0-9_-]{22})\.(\d{1,13})\.([0-9a-f]{64})$/;
/** A cookie issued this far "in the future" (clocks of two instances) is still accepted. */
const CLOCK_SKEW_MS = 60_000;

export interface DeviceRandom {
  bytes(length: number): Buffer;
}

export type DeviceCheck = { ok: true; deviceId: string; issuedAt: number } | { ok: false };

function mac(key: Buffer, username: string, deviceId: string, issuedAt: number): string {
  return hmacHex(key, `${VERSION}|${username}|${deviceId}|${issuedAt}`);
}

/**
 * A device cookie value for `username` (normalised, as the sign-in compares it):
 * `d1.<device id, 128 random bits>.<issued at, ms>.<HMAC-SHA256 hex>`. `key` is derived
 * from SECRET_KEY for this purpose only (deriveKey(secret, "device-cookie")).
 */
export function issueDeviceCookie(
  key: Buffer,
  username: string,
  now: number,
  random: DeviceRandom,
): string {
  const deviceId = random.bytes(16).toString("base64url");
  return `${VERSION}.${deviceId}.${now}.${mac(key, username, deviceId, now)}`;
}

/**
 * The device id when `value` was issued by us for `username` and is under `maxAgeMs`
 * old; `keys` is the current key and older ones (SECRET_KEY_PREVIOUS), so a rotation
 * does not forget every browser. Anything else, forged, another user's, expired or
 * malformed, is no device cookie at all.
 */
export function verifyDeviceCookie(
  keys: readonly Buffer[],
  value: string | undefined,
  username: string,
  now: number,
  maxAgeMs: number = DEVICE_COOKIE_MAX_AGE_MS,
): DeviceCheck {
  const parts = value === undefined ? null : FORMAT.exec(value);
  if (!parts) return { ok: false };
  const [, deviceId = "", issued = "", tag = ""] = parts;
  const issuedAt = Number(issued);
  if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt > maxAgeMs) return { ok: false };
  // Every key is tried, so the time taken does not say which one matched.
  let matched = false;
  for (const key of keys)
    matched = safeEqual(mac(key, username, deviceId, issuedAt), tag) || matched;
  return matched ? { ok: true, deviceId, issuedAt } : { ok: false };
}
