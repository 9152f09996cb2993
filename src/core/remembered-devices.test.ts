import { describe, expect, it } from "vitest";
import { parseRememberDays, secondFactorRequiredBy } from "./remembered-devices.js";

describe("remembered devices: where they may skip the code", () => {
  it("never for forward-auth nor an application that requires a second factor", () => {
    expect(secondFactorRequiredBy({ kind: "forward", url: "https://wiki.example.org/" })).toBe(
      true,
    );
    expect(secondFactorRequiredBy({ kind: "oidc", uid: "u1", mfa: true })).toBe(true);
    expect(secondFactorRequiredBy({ kind: "oidc", uid: "u1" })).toBe(false);
    expect(secondFactorRequiredBy({ kind: "home" })).toBe(false);
    expect(secondFactorRequiredBy({ kind: "path", path: "/account" })).toBe(false);
  });

  it("days from the settings form: whole numbers from 0 to 365 only", () => {
    expect(parseRememberDays("30")).toBe(30);
    expect(parseRememberDays(" 0 ")).toBe(0);
    for (const bad of ["", "-1", "366", "1.5", "1e2", "abc", "1000"]) {
      expect(parseRememberDays(bad), bad).toBeUndefined();
    }
  });
});
