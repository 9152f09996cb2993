// Standards vectors through the TOTP path we use: otpauth configured as src/core/totp.ts
// configures it (SHA-1, 30 s period), then our own generateTotp/matchTotpStep.
import { HOTP, Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import {
  generateTotp,
  matchTotpStep,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  totpStep,
} from "../src/core/totp.js";

// RFC 4226 Appendix D and RFC 6238 Appendix B both use the ASCII secret "12345678901234567890".
const RFC_SECRET = Secret.fromUTF8("12345678901234567890");
const RFC_SECRET_BASE32 = RFC_SECRET.base32;

describe("RFC 4226 Appendix D: HOTP, SHA-1, 6 digits", () => {
  // Source: RFC 4226, Appendix D "HOTP Algorithm: Test Values", table of Count → HOTP.
  const rows: [counter: number, hotp: string][] = [
    [0, "755224"], // RFC 4226 App. D, Count 0
    [1, "287082"], // RFC 4226 App. D, Count 1
    [2, "359152"], // RFC 4226 App. D, Count 2
    [3, "969429"], // RFC 4226 App. D, Count 3
    [4, "338314"], // RFC 4226 App. D, Count 4
    [5, "254676"], // RFC 4226 App. D, Count 5
    [6, "287922"], // RFC 4226 App. D, Count 6
    [7, "162583"], // RFC 4226 App. D, Count 7
    [8, "399871"], // RFC 4226 App. D, Count 8
    [9, "520489"], // RFC 4226 App. D, Count 9
  ];

  it("the secret is the RFC's 20 ASCII bytes", () => {
    expect(RFC_SECRET_BASE32).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(Buffer.from(RFC_SECRET.bytes).toString("ascii")).toBe("12345678901234567890");
  });

  it.each(rows)("counter %i → %s", (counter, hotp) => {
    expect(
      HOTP.generate({ secret: RFC_SECRET, algorithm: "SHA1", digits: TOTP_DIGITS, counter }),
    ).toBe(hotp);
    // TOTP is HOTP over the time step (RFC 6238 §4.2): step = counter gives the same value.
    expect(generateTotp(RFC_SECRET_BASE32, counter * TOTP_PERIOD_SECONDS * 1000)).toBe(hotp);
  });
});

describe("RFC 6238 Appendix B: TOTP, SHA-1 rows", () => {
  // Source: RFC 6238, Appendix B "Test Vectors", rows with Mode SHA1 (8 digits, X = 30, T0 = 0).
  const rows: [unixSeconds: number, step: string, totp8: string][] = [
    [59, "0000000000000001", "94287082"], // RFC 6238 App. B, 1970-01-01 00:00:59
    [1111111109, "00000000023523EC", "07081804"], // RFC 6238 App. B, 2005-03-18 01:58:29
    [1111111111, "00000000023523ED", "14050471"], // RFC 6238 App. B, 2005-03-18 01:58:31
    [1234567890, "000000000273EF07", "89005924"], // RFC 6238 App. B, 2009-02-13 23:31:30
    [2000000000, "0000000003F940AA", "69279037"], // RFC 6238 App. B, 2033-05-18 03:33:20
    [20000000000, "0000000027BC86AA", "65353130"], // RFC 6238 App. B, 2603-10-11 11:33:20
  ];

  it.each(rows)("T=%i (step %s) → %s", (seconds, stepHex, totp8) => {
    const timestamp = seconds * 1000;
    expect(totpStep(timestamp)).toBe(Number.parseInt(stepHex, 16));
    // The 8-digit value, through otpauth with our algorithm and period.
    expect(
      TOTP.generate({
        secret: RFC_SECRET,
        algorithm: "SHA1",
        digits: 8,
        period: TOTP_PERIOD_SECONDS,
        timestamp,
      }),
    ).toBe(totp8);
    // Our 6-digit path: the same HOTP value mod 10^6, i.e. the last six digits.
    const totp6 = totp8.slice(-6);
    expect(generateTotp(RFC_SECRET_BASE32, timestamp)).toBe(totp6);
    expect(matchTotpStep(RFC_SECRET_BASE32, totp6, timestamp)).toBe(totpStep(timestamp));
    // …and the 8-digit value is not what we accept.
    expect(matchTotpStep(RFC_SECRET_BASE32, totp8, timestamp)).toBeNull();
  });
});
