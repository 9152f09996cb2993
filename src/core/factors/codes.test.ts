// The email and SMS factors alone: where a code goes, what is stored (an HMAC), its
// verdicts and its single use.
import { afterEach, describe, expect, it } from "vitest";
import { type CoreFixture, coreFixture } from "../../../test/support/core.js";
import type { LoadedFlow } from "../flow/flow.js";

const IP = "192.0.2.10";
let f: CoreFixture;
afterEach(async () => {
  await f?.close();
});

const flowOf = (username: string): Promise<LoadedFlow> => f.passwordStep(username);

const codeIn = (text: string | undefined) => /(\d{6})/.exec(text ?? "")?.[1];

describe("code factors", () => {
  it("a destination only with the method enabled and a contact on the account", async () => {
    f = await coreFixture({ methods: ["email"] });
    await f.addUser("ann", { email: "ann@example.test", phone: "+61412345678" });
    await f.addUser("bob");
    const [email, sms] = f.core.factors.codes;
    const ann = await flowOf("ann");
    expect(email?.destination(ann)).toBe("ann@example.test");
    expect(sms?.destination(ann)).toBeUndefined(); // SMS not enabled
    expect(email?.destination(await flowOf("bob"))).toBeUndefined(); // no address
  });

  it("start sends a 6-digit code and stores only its HMAC; it signs in once", async () => {
    f = await coreFixture({ methods: ["email"] });
    await f.addUser("cid", { email: "cid@example.test" });
    const email = f.core.factors.codes[0]!;
    const ctx = await flowOf("cid");
    expect(await email.start(ctx, IP)).toEqual({
      ok: true,
      kind: "sent",
      method: "email",
      destination: "cid@example.test",
    });
    const code = codeIn(f.lastMessage("cid@example.test"))!;
    expect(code).toMatch(/^\d{6}$/);
    const stored = await f.core.stores.flows.getCode(ctx.flow.idHash);
    expect(stored?.hmac).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.hmac).not.toContain(code);
    const judge = await email.prepare(ctx);
    if (!judge) throw new Error("expected a judge");
    const wrong = code === "000000" ? "000001" : "000000";
    expect(await judge(wrong)).toEqual({ kind: "wrong" });
    expect(await judge(code)).toEqual({ kind: "matched", factor: "email", amr: "email" });
    expect(await judge(code)).toEqual({ kind: "used", detail: { method: "email" } });
  });

  it("the other channel has nothing to judge; an expired code neither", async () => {
    f = await coreFixture({ methods: ["email", "sms"] });
    await f.addUser("dee", { email: "dee@example.test", phone: "+61412345678" });
    const [email, sms] = f.core.factors.codes;
    const ctx = await flowOf("dee");
    await email!.start(ctx, IP);
    expect(await sms!.prepare(ctx)).toBeUndefined();
    expect(await email!.prepare(ctx)).toBeDefined();
    f.clock.advance(600_000);
    expect(await email!.prepare(ctx)).toBeUndefined();
  });

  it("a locked account is sent nothing", async () => {
    f = await coreFixture({ methods: ["email"], env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const user = await f.addUser("eve", { email: "eve@example.test" });
    // At verification before the lock (a new sign-in is refused at its password now).
    const flow = await flowOf("eve");
    await f.core.limits.secondFactor.consume(user.id);
    const result = await f.core.factors.codes[0]!.start(flow, IP);
    expect(result).toMatchObject({ ok: false, reason: "second_factor_locked" });
    expect(f.lastMessage("eve@example.test")).toBeUndefined();
  });
});
