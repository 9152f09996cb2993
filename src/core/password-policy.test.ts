import { beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher, type PasswordHasher } from "./password.js";
import {
  checkNewPassword,
  contextWords,
  DEFAULT_PASSWORD_RULES,
  judgeNewPassword,
  type NewPassword,
} from "./password-policy.js";
import { loadPasswordStrength } from "./password-strength.js";

const RULES = { ...DEFAULT_PASSWORD_RULES, contextWords: ["Vestibule"] };

describe("new password policy (NIST SP 800-63B-4, zxcvbn)", () => {
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = await createPasswordHasher({ memoryCost: 1024, timeCost: 1 });
    await loadPasswordStrength();
  });
  const judge = (password: string, more: Partial<NewPassword> = {}) =>
    judgeNewPassword(hasher, RULES, {
      password,
      username: "margaret",
      displayName: "Margaret Hamilton",
      email: "m.hamilton@apollo-guidance.example",
      secondFactorEnabled: true,
      ...more,
    });

  it.each([
    ["Password123!", "common"],
    ["aaaaaaaaaaaaaaaa", "repeated"],
    ["Summer2024!!!", "predictable"],
    ["vestibule2026!", "user_inputs"],
    ["margaretmargaret", "repeated"],
    ["correct horse battery staple", "common"],
    ["Correct-Horse-Battery-Staple", "common"],
    ["asdfghjkl;'zxcv", "keyboard"],
    ["abcdefghijklmnop", "sequences"],
  ])("refuses %j as weak (%s)", async (password, weakness) => {
    expect(await judge(password)).toEqual({ ok: false, reason: "password_weak", weakness });
  });

  it("refuses the person's own words: name, email, and their pieces", async () => {
    const weak = { ok: false, reason: "password_weak", weakness: "user_inputs" };
    expect(await judge("margaret hamilton")).toEqual(weak);
    // Strong enough for a stranger, not for Margaret of apollo-guidance.example.
    const nobody = { username: "someone", displayName: null, email: null };
    expect(await judge("Hamilton#Apollo11", nobody)).toEqual({ ok: true });
    expect(await judge("Hamilton#Apollo11")).toEqual(weak);
  });

  it.each([
    "violet staple orbit lantern",
    "mauve tractor jumps quietly",
    "quilt-marigold-anchor-basin",
    "gX7#pQ2!vL9zRw",
    "my cat is called Tibbles",
  ])("accepts the strong passphrase %j", async (password) => {
    expect(await judge(password)).toEqual({ ok: true });
  });

  it("12 characters with a second factor, 15 without (SP 800-63B-4 single-factor)", async () => {
    const twelve = "gX7#pQ2!vL9z";
    expect(await judge(twelve)).toEqual({ ok: true });
    expect(await judge(twelve.slice(1))).toEqual({
      ok: false,
      reason: "password_too_short",
      minLength: 12,
    });
    expect(await judge(twelve, { secondFactorEnabled: false })).toEqual({
      ok: false,
      reason: "password_too_short",
      minLength: 15,
    });
    expect(await judge("gX7#pQ2!vL9zRw3", { secondFactorEnabled: false })).toEqual({ ok: true });
  });

  it("counts code points of the NFKC form, so an emoji is one character", async () => {
    const emoji = "🦊🌵🚲🎻🧀🪁🦉🍉🛶🧭🪴";
    expect([...emoji]).toHaveLength(11);
    expect(await judge(emoji)).toMatchObject({ reason: "password_too_short" });
    expect(await judge(`${emoji}🐙`)).toEqual({ ok: true });
  });

  it("at most 128 code points; 4,097 characters is told too long, not too short", async () => {
    expect(await judge("gX7#pQ2!vL9z".repeat(11).slice(0, 129))).toEqual({
      ok: false,
      reason: "password_too_long",
    });
    expect(await judge("gX7#pQ2!vL9z".repeat(11).slice(0, 128))).toEqual({ ok: true });
    expect(await judge("a".repeat(4097))).toEqual({ ok: false, reason: "password_too_long" });
    expect(await judge("x7".repeat(2049))).toEqual({ ok: false, reason: "password_too_long" });
  });

  it("refuses the username itself, whatever its case or surrounding spaces", async () => {
    const long = "margaret.hamilton";
    expect(await judge(" MARGARET.Hamilton ", { username: long })).toEqual({
      ok: false,
      reason: "password_is_username",
    });
  });

  it("refuses the current password, also typed in another Unicode form", async () => {
    const old = await hasher.hash("caf\u00e9 violet staple orbit");
    expect(await judge("cafe\u0301 violet staple orbit", { oldPasswordHash: old })).toEqual({
      ok: false,
      reason: "password_is_old",
    });
    expect(await judge("mauve tractor jumps quietly", { oldPasswordHash: old })).toEqual({
      ok: true,
    });
  });

  it("the installation's name is a context word: APP_NAME changes the verdict", async () => {
    const password = "northwind2026!";
    const withName = (contextWords: string[]) =>
      judgeNewPassword(
        hasher,
        { ...RULES, contextWords },
        {
          password,
          username: "margaret",
          secondFactorEnabled: true,
        },
      );
    expect(await withName(["Northwind Traders"])).toMatchObject({
      reason: "password_weak",
      weakness: "user_inputs",
    });
    expect(await withName(["Vestibule"])).toEqual({ ok: true });
  });
});

describe("contextWords", () => {
  it("takes the username, name, email, its local part and domain, and APP_NAME, with pieces", () => {
    expect(
      contextWords(
        { contextWords: ["Acme Sign-in"] },
        { username: "j.doe", displayName: "Jane O'Doe", email: "Jane.Doe+x@mail.acme.example" },
      ).sort(),
    ).toEqual(
      [
        "j.doe",
        "doe",
        "jane o'doe",
        "jane",
        "jane.doe+x@mail.acme.example",
        "jane.doe+x",
        "mail",
        "acme",
        "acme sign-in",
        "sign",
      ].sort(),
    );
  });
});

describe("checkNewPassword (the callers' current shape)", () => {
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = await createPasswordHasher({ memoryCost: 1024, timeCost: 1 });
  });

  it("answers weak as password_common and keeps the old reasons", async () => {
    const check = (password: string) =>
      checkNewPassword(hasher, RULES, { password, username: "alice" });
    expect(await check("Password123!")).toEqual({ ok: false, reason: "password_common" });
    expect(await check("short")).toEqual({ ok: false, reason: "password_too_short" });
    expect(await check("a".repeat(4097))).toEqual({ ok: false, reason: "password_too_long" });
    expect(await check("violet staple orbit lantern")).toEqual({ ok: true });
  });
});
