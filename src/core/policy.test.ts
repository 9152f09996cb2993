import { describe, expect, it } from "vitest";
import { isValidUsername, normalizeUsername, parseMethods } from "./policy.js";

describe("parseMethods", () => {
  it.each([
    ["app", ["app"]],
    ["app,sms", ["app", "sms"]],
    ["email,app", ["app", "email"]],
    [" sms , email ,app ", ["app", "sms", "email"]],
    ["app,app", ["app"]],
    ["", []],
    [",", []],
  ])("%j → %j", (input, expected) => {
    expect(parseMethods(input)).toEqual(expected);
  });

  it.each(["bogus", "app,bogus", "APP", "app;sms", "totp"])("refuses %j", (input) => {
    expect(parseMethods(input)).toBeUndefined();
  });
});

describe("usernames", () => {
  it("normalizes: trimmed, NFKC, lower case", () => {
    expect(normalizeUsername("  Alice ")).toBe("alice");
    expect(normalizeUsername("ＡＬＩＣＥ")).toBe("alice");
  });

  it("accepts the documented alphabet only", () => {
    expect(isValidUsername("alice.smith_1@x-y")).toBe(true);
    expect(isValidUsername("a".repeat(64))).toBe(true);
    expect(isValidUsername("a".repeat(65))).toBe(false);
    expect(isValidUsername(".alice")).toBe(false);
    expect(isValidUsername("al ice")).toBe(false);
    expect(isValidUsername("Alice")).toBe(false);
    expect(isValidUsername("")).toBe(false);
  });
});
