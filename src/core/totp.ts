import { Secret, TOTP } from "otpauth";
import type { Random } from "./ports/runtime.js";

// RFC 6238 with the parameters every authenticator app understands.
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW_STEPS = 1;
const SECRET_BYTES = 20; // 160 bits, RFC 4226 §4 R6 recommends at least this

export function generateTotpSecret(random: Random): string {
  return new Secret({ buffer: toArrayBuffer(random.bytes(SECRET_BYTES)) }).base32;
}

/** otpauth://totp/ISSUER:USERNAME?secret=…&issuer=ISSUER (Key Uri Format). */
export function totpUri(issuer: string, username: string, secretBase32: string): string {
  return new TOTP({
    issuer,
    label: username,
    secret: Secret.fromBase32(secretBase32),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

export function generateTotp(secretBase32: string, nowMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: nowMs,
  });
}

/**
 * Checks a code against the steps now-1, now, now+1 and returns the matching step,
 * so the caller can record it as used (RFC 6238 §5.2: a code is accepted once).
 */
export function matchTotpStep(secretBase32: string, code: string, nowMs: number): number | null {
  const delta = totpDelta(secretBase32, code, nowMs, TOTP_WINDOW_STEPS);
  return delta === null ? null : totpStep(nowMs) + delta;
}

/** The step (relative to now) at which `code` is right, within `window` steps either way. */
function totpDelta(secretBase32: string, code: string, nowMs: number, window: number) {
  if (!/^\d{6}$/.test(code)) return null;
  return TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: nowMs,
    window,
  });
}

/** How far a phone's clock is looked for when a code is refused (issue 11): 10 minutes. */
export const CLOCK_OFFSET_SEARCH_STEPS = 20;

/**
 * A refused code that would be right at another time up to 10 minutes away: how many
 * seconds the phone's clock looks ahead (positive) or behind (negative), else null. Only
 * for the words on the page and the audit event; such a code is never accepted.
 */
export function totpClockOffsetSeconds(
  secretBase32: string,
  code: string,
  nowMs: number,
): number | null {
  const delta = totpDelta(secretBase32, code, nowMs, CLOCK_OFFSET_SEARCH_STEPS);
  return delta === null || Math.abs(delta) <= TOTP_WINDOW_STEPS
    ? null
    : delta * TOTP_PERIOD_SECONDS;
}

/** The key as shown for manual entry: groups of four. */
export function groupSecret(secretBase32: string): string {
  return secretBase32.replace(/(.{4})(?=.)/g, "$1 ");
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}
