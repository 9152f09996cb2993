import { describe, expect, it } from "vitest";
import { ACR_MFA, ACR_PASSWORD, mfaRequired, providerLogin } from "./login.js";

const at = Date.UTC(2030, 0, 1, 12, 0, 0, 999);

describe("providerLogin", () => {
  it.each([
    [["pwd"], ["pwd"], ACR_PASSWORD],
    [["pwd", "otp"], ["pwd", "otp", "mfa"], ACR_MFA],
    [["pwd", "sms", "mfa"], ["pwd", "sms", "mfa"], ACR_MFA],
    [["pwd", "email"], ["pwd", "email", "mfa"], ACR_MFA],
    // "mfa" alone is not a second factor: the acr follows the methods actually used.
    [["pwd", "mfa"], ["pwd"], ACR_PASSWORD],
  ])("%j → amr %j, acr %s", (amr, expected, acr) => {
    expect(providerLogin({ accountId: "u1", amr, authTimeMs: at })).toEqual({
      accountId: "u1",
      amr: expected,
      acr,
      ts: Math.floor(at / 1000),
      remember: true,
    });
  });

  it.each([
    ["no account", { accountId: "", amr: ["pwd"], authTimeMs: at }],
    ["no password", { accountId: "u", amr: ["otp"], authTimeMs: at }],
    ["an unknown method", { accountId: "u", amr: ["pwd", "face"], authTimeMs: at }],
    ["seconds for milliseconds", { accountId: "u", amr: ["pwd"], authTimeMs: at / 1000 }],
    ["not a time", { accountId: "u", amr: ["pwd"], authTimeMs: Number.NaN }],
  ])("%s is a programming mistake: it throws", (_label, login) => {
    expect(() => providerLogin(login)).toThrow(/LoginResult/);
  });
});

describe("mfaRequired", () => {
  it.each([
    [false, undefined, false],
    [true, undefined, true],
    [false, ACR_MFA, true],
    [false, `${ACR_MFA} ${ACR_PASSWORD}`, false],
    [false, ACR_PASSWORD, false],
    [true, ACR_PASSWORD, true],
    [false, "urn:other", false],
  ])("client requires MFA %s, acr_values %s → %s", (requireMfa, acrValues, expected) => {
    expect(mfaRequired(requireMfa, acrValues)).toBe(expected);
  });
});
