import { describe, expect, it } from "vitest";
import { formatDateTime, formatWait } from "./format.js";

const AT = Date.UTC(2030, 0, 1, 0, 0, 10);

describe("formatDateTime", () => {
  it("writes English times as staff pages and emails always have, in UTC by default", () => {
    expect(formatDateTime("en", AT, { seconds: true })).toBe("2030-01-01 00:00:10 UTC");
    expect(formatDateTime("en", Date.UTC(2024, 4, 1, 9, 30, 59))).toBe("2024-05-01 09:30 UTC");
    expect(formatDateTime("en", Date.UTC(2024, 4, 1, 23, 5), { seconds: true })).toBe(
      "2024-05-01 23:05:00 UTC",
    );
  });

  it("moves the time into the zone it is given and names the zone", () => {
    expect(formatDateTime("en", AT, { timeZone: "Australia/Sydney" })).toBe(
      "2030-01-01 11:00 GMT+11",
    );
    expect(formatDateTime("en", AT, { timeZone: "America/New_York" })).toBe("2029-12-31 19:00 EST");
  });

  it("orders the parts as the reader's language does", () => {
    expect(formatDateTime("de", AT, { seconds: true })).toBe("01.01.2030, 00:00:10 UTC");
    expect(formatDateTime("de", AT, { timeZone: "Europe/Berlin" })).toBe("01.01.2030, 01:00 MEZ");
    expect(formatDateTime("fr", AT, { seconds: true })).toBe("01/01/2030 à 00:00:10 UTC");
  });

  it("refuses a zone that does not exist", () => {
    expect(() => formatDateTime("en", AT, { timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});

describe("formatWait", () => {
  it("counts seconds under 90 s and minutes (rounded up) from there", () => {
    expect(formatWait("en", 1)).toBe("Try again in 1 second.");
    expect(formatWait("en", 89_000)).toBe("Try again in 89 seconds.");
    expect(formatWait("en", 90_000)).toBe("Try again in about 2 minutes.");
    // Issue 14: blocks grow to a day; from 2 hours the wait is said in hours.
    expect(formatWait("en", 7_199_000)).toBe("Try again in about 120 minutes.");
    expect(formatWait("en", 86_400_000)).toBe("Try again in about 24 hours.");
    expect(formatWait("de", 1)).toBe("Versuchen Sie es in 1 Sekunde erneut.");
  });
});
