import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type NormalizedPhone = { ok: true; e164: string } | { ok: false; reason: "invalid_phone" };

// Digits with the usual separators, after a leading "+". Letters, extensions and
// national-format numbers are refused: we cannot guess the country for a number.
const INTERNATIONAL = /^\+[0-9 ().-]{4,30}$/;

/**
 * Checks a phone number in international format and returns it as E.164.
 * The "max" metadata checks number patterns per region, not only lengths.
 */
export function normalizePhone(input: string): NormalizedPhone {
  const trimmed = input.trim();
  if (!INTERNATIONAL.test(trimmed)) return { ok: false, reason: "invalid_phone" };
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed?.isValid()) return { ok: false, reason: "invalid_phone" };
  return { ok: true, e164: parsed.number };
}

/**
 * "+61 ••• ••• 678": enough for the user to recognise their number on the sign-in page,
 * not enough to learn it. A fixed number of bullets hides the number's length.
 */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = e164.replace(/\D/g, "");
  const last = digits.length >= 7 ? digits.slice(-3) : "•••";
  const country = parsed ? `+${parsed.countryCallingCode}` : "+••";
  return `${country} ••• ••• ${last}`;
}
