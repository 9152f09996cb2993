import { describe, expect, it } from "vitest";
import { isSixDigits, normaliseAnswer } from "./factor.js";

describe("normaliseAnswer", () => {
  it.each([
    ["123456", "123456"],
    [" 123456 ", "123456"],
    ["123 456", "123456"],
    ["123-456", "123456"],
    ["123\u00a0456", "123456"],
  ])("reads %j as the six digits", (typed, digits) => {
    expect(normaliseAnswer(typed)).toBe(digits);
    expect(isSixDigits(normaliseAnswer(typed))).toBe(true);
  });

  it.each(["12 3456", "123--456", "123 4567", "12345", "abc def", "123_456", "1 2 3 4 5 6"])(
    "leaves %j as typed: still not six digits",
    (typed) => {
      expect(isSixDigits(normaliseAnswer(typed))).toBe(false);
    },
  );
});
