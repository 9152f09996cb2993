import { describe, expect, it } from "vitest";
import { maskEmail } from "./mask.js";
import { maskPhone, normalizePhone } from "./phone.js";

describe("normalizePhone", () => {
  it.each([
    ["+61 412 345 678", "+61412345678"],
    ["+1 (201) 555-0123", "+12015550123"],
    ["  +44 7400 123456 ", "+447400123456"],
    ["+33612345678", "+33612345678"],
  ])("accepts %j as %s", (input, e164) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164 });
  });

  it.each([
    ["0412 345 678", "national format: the country is unknown"],
    ["+61 412", "too short"],
    ["+1 555 0100", "too short for NANP"],
    ["+61 000 000 000", "not a valid Australian number"],
    ["+999 1234 5678", "no such country code"],
    ["+61 412 345 678 ext 9", "extension"],
    ["+6141234567x", "letters"],
    ["", "empty"],
  ])("refuses %j (%s)", (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: "invalid_phone" });
  });
});

describe("maskPhone", () => {
  it("keeps the country code and the last three digits", () => {
    expect(maskPhone("+61412345678")).toBe("+61 ••• ••• 678");
    expect(maskPhone("+12015550123")).toBe("+1 ••• ••• 123");
  });
});

describe("maskEmail", () => {
  it("keeps the first character and the domain", () => {
    expect(maskEmail("bob@example.test")).toBe("b•••@example.test");
    expect(maskEmail("émile.zola@example.test")).toBe("é•••@example.test");
  });

  it("reveals nothing of a value that is not an address", () => {
    expect(maskEmail("not-an-address")).toBe("•••");
    expect(maskEmail("@example.test")).toBe("•••");
  });
});
