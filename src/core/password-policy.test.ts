import { beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher, type PasswordHasher } from "./password.js";
import { checkNewPassword, DEFAULT_PASSWORD_RULES, isCommonPassword } from "./password-policy.js";

describe("new password policy (NIST 800-63B)", () => {
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = await createPasswordHasher();
  });
  const rules = DEFAULT_PASSWORD_RULES;
  const check = (password: string, oldPasswordHash?: string) =>
    checkNewPassword(hasher, rules, { password, username: "alice", oldPasswordHash });

  it("accepts a long passphrase without composition rules", async () => {
    expect(await check("violet staple orbit lantern")).toEqual({ ok: true });
    expect(await check("alllowercaseletters")).toEqual({ ok: true });
  });

  it("refuses one character under the minimum, accepts the minimum", async () => {
    expect(await check("a".repeat(rules.minLength - 1).replace(/^a/, "q"))).toMatchObject({
      ok: false,
      reason: "password_too_short",
    });
    expect(await check("qzxv".repeat(3))).toEqual({ ok: true });
  });

  it("counts characters as a person sees them (emoji = 1)", async () => {
    expect(await check("🔒".repeat(rules.minLength - 1))).toMatchObject({
      reason: "password_too_short",
    });
    expect(await check("🔒".repeat(rules.minLength))).toEqual({ ok: true });
  });

  it("refuses over the maximum", async () => {
    expect(await check("x".repeat(rules.maxLength + 1))).toMatchObject({
      reason: "password_too_long",
    });
  });

  it("refuses the username and common passwords, case-insensitively", async () => {
    const r = { ...rules, minLength: 5 };
    expect(
      await checkNewPassword(hasher, r, { password: " ALICE ", username: "alice" }),
    ).toMatchObject({ reason: "password_is_username" });
    expect(isCommonPassword("password123")).toBe(true);
    expect(isCommonPassword("PASSWORD123")).toBe(true);
    expect(
      await checkNewPassword(hasher, r, { password: "Password123", username: "x" }),
    ).toMatchObject({ reason: "password_common" });
  });

  it("refuses the current password", async () => {
    const old = await hasher.hash("violet staple orbit lantern");
    expect(await check("violet staple orbit lantern", old)).toMatchObject({
      reason: "password_is_old",
    });
    expect(await check("another long passphrase", old)).toEqual({ ok: true });
  });
});
