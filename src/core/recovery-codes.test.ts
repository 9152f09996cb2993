import { afterEach, describe, expect, it } from "vitest";
import { type CoreFixture, coreFixture, seededRandom } from "../../test/support/core.js";
import { flowRow } from "../../test/support/flows.js";
import { createRecoveryFactor } from "./factors/recovery.js";
import {
  formatRecoveryCode,
  generateRecoveryCodes,
  issueRecoveryCodes,
  parseRecoveryCode,
  RECOVERY_ALPHABET,
} from "./recovery-codes.js";

let f: CoreFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe("recovery code form", () => {
  it("no look-alikes in the alphabet; ten codes of 12, no two with the same look-up group", () => {
    for (const c of "01ILO") expect(RECOVERY_ALPHABET).not.toContain(c);
    const codes = generateRecoveryCodes(seededRandom("codes"));
    expect(codes).toHaveLength(10);
    expect(new Set(codes.map((c) => c.slice(0, 4))).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{12}$/);
  });

  it("grouped for reading; typed in any case with dashes or spaces; anything else is not one", () => {
    expect(formatRecoveryCode("ABCDEFGHJKMN")).toBe("ABCD-EFGH-JKMN");
    expect(parseRecoveryCode(" abcd efgh-jkmn ")).toBe("ABCDEFGHJKMN");
    for (const bad of [
      "",
      "123456",
      "ABCD-EFGH-JKM",
      "ABCD-EFGH-JKMNP",
      "ABCD-EFGH-JKM0",
      "ABCDEFGHJKMI",
    ]) {
      expect(parseRecoveryCode(bad), bad).toBeUndefined();
    }
  });
});

describe("issueRecoveryCodes and the factor", () => {
  it("a new set replaces the old one; each code matches once, then it is used; a code of the old set is wrong", async () => {
    f = await coreFixture({ methods: ["app"] });
    const user = await f.addUser("ria");
    const old = await issueRecoveryCodes(f.core, user, { ip: null, via: "account" });
    const codes = await issueRecoveryCodes(f.core, user, { ip: null, via: "account" });
    expect(await f.core.stores.recoveryCodes.countLeft(user.id)).toBe(10);
    const factor = createRecoveryFactor(f.core);
    const ctx = {
      flow: flowRow(user.id, { state: "verify" }),
      user,
      methods: ["app" as const],
    };
    expect(await factor.available(ctx)).toBe(true);
    expect(factor.accepts(codes[2]!)).toBe(true);
    expect(factor.accepts("123456")).toBe(false);
    const judge = await factor.prepare(ctx);
    expect(await judge!(codes[2]!)).toEqual({ kind: "matched", factor: "recovery", amr: "rc" });
    expect(await judge!(codes[2]!)).toEqual({ kind: "used", detail: { recoveryCode: true } });
    expect(await judge!(old[3]!)).toMatchObject({ kind: "wrong" });
    expect(await factor.countLeft(user.id)).toBe(9);
    // Not on the set-up screen, and not when no method is enabled.
    expect(await factor.prepare({ ...ctx, flow: flowRow(user.id, { state: "setup_app" }) })).toBe(
      undefined,
    );
    expect(await factor.prepare({ ...ctx, methods: [] })).toBeUndefined();
  });
});
