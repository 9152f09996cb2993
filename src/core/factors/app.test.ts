// The authenticator-app factor alone: its set-up key, its verdicts, and the order in
// which it opens its key (before any attempt is taken).
import { afterEach, describe, expect, it } from "vitest";
import { type CoreFixture, coreFixture } from "../../../test/support/core.js";
import type { LoadedFlow } from "../flow/flow.js";
import { totpSecretAad } from "../secrets.js";
import { generateTotp } from "../totp.js";

const IP = "192.0.2.9";
let f: CoreFixture;
afterEach(async () => {
  await f?.close();
});

const flowOf = (username: string): Promise<LoadedFlow> => f.passwordStep(username);

describe("app factor", () => {
  it("is available only when enabled and confirmed", async () => {
    f = await coreFixture({ methods: ["app", "email"] });
    const user = await f.addUser("amy");
    const app = f.core.factors.app;
    expect(await app.available({ ...(await flowOf("amy")) })).toBe(false);
    await f.enrolApp(user);
    const ctx = await flowOf("amy");
    expect(await app.available(ctx)).toBe(true);
    expect(await app.available({ ...ctx, methods: ["email"] })).toBe(false);
  });

  it("start shows the same key on every view of a flow, a new key to a new flow", async () => {
    f = await coreFixture({ methods: ["app"] });
    await f.addUser("bea");
    const app = f.core.factors.app;
    const first = await flowOf("bea");
    const a = await app.start(first, IP);
    const b = await app.start(first, IP);
    expect(a).toMatchObject({ ok: true, kind: "key" });
    expect(b).toEqual(a);
    const other = await app.start(await flowOf("bea"), IP);
    expect(other.ok && other.kind === "key" && a.ok && a.kind === "key" && other.secret).not.toBe(
      a.ok && a.kind === "key" && a.secret,
    );
    if (a.ok && a.kind === "key") {
      expect(a.uri).toMatch(/^otpauth:\/\/totp\/Vestibule:bea\?/);
      expect(a.uri).toContain("issuer=Vestibule");
      expect(a.secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits
    }
  });

  it("judges: matched once per time step, used after, wrong otherwise", async () => {
    f = await coreFixture({ methods: ["app"] });
    const user = await f.addUser("cal");
    const secret = await f.enrolApp(user);
    const ctx = await flowOf("cal");
    const judge = await f.core.factors.app.prepare(ctx);
    if (!judge) throw new Error("expected a judge");
    const code = generateTotp(secret, f.clock.now());
    const wrong = code === "000000" ? "000001" : "000000";
    expect(await judge(wrong)).toEqual({ kind: "wrong" });
    expect(await judge(code)).toEqual({ kind: "matched", factor: "app", amr: "otp" });
    expect(await judge(code)).toEqual({ kind: "used" });
    // RFC 6238 §5.2: an older step after a newer one is refused too.
    expect(await judge(generateTotp(secret, f.clock.now() - 30_000))).toEqual({ kind: "used" });
  });

  it("a code refused as from ahead of time is kept on the authenticator and never accepted", async () => {
    f = await coreFixture({ methods: ["app"] });
    const user = await f.addUser("fay");
    const secret = await f.enrolApp(user);
    const app = f.core.factors.app;
    const judge = await app.prepare(await flowOf("fay"));
    if (!judge) throw new Error("expected a judge");
    const future = generateTotp(secret, f.clock.now() + 5 * 60_000);
    const step = Math.floor(f.clock.now() / 30_000) + 10;
    expect(await judge(future)).toEqual({
      kind: "wrong",
      detail: { clockOffsetSeconds: 300, refusedStep: step },
    });
    expect((await f.system.stores.authenticators.get(user.id))?.refusedSteps).toEqual([step]);
    // When its time comes, the judge of any later flow (a sign-in or a step-up) refuses it.
    f.clock.advance(5 * 60_000);
    const later = await app.prepare(await flowOf("fay"));
    if (!later) throw new Error("expected a judge");
    expect(await later(future)).toEqual({ kind: "wrong" });
    expect((await f.system.stores.authenticators.get(user.id))?.lastStep).not.toBe(step);
    // The next step's code works.
    f.clock.advance(30_000);
    const code = generateTotp(secret, f.clock.now());
    expect(await later(code)).toEqual({ kind: "matched", factor: "app", amr: "otp" });
  });

  it("prepare opens the key first: a box that does not open throws before anything else", async () => {
    f = await coreFixture({ methods: ["app"] });
    const user = await f.addUser("dot");
    await f.enrolApp(user);
    const ctx = await flowOf("dot");
    await f.system.database.db
      .updateTable("authenticators")
      .set({ secret_box: f.core.box.seal("JBSWY3DPEHPK3PXP", totpSecretAad("someone-else")) })
      .where("user_id", "=", user.id)
      .execute();
    await expect(f.core.factors.app.prepare(ctx)).rejects.toThrow();
  });

  it("enrolment: Save before Show QR code has nothing to confirm; the shown key confirms once", async () => {
    f = await coreFixture({ methods: ["app"] });
    const user = await f.addUser("eli");
    const app = f.core.factors.app;
    const ctx = await flowOf("eli");
    expect(await app.prepareEnrolment(ctx, IP)).toEqual({ ok: false, reason: "wrong_step" });
    const key = await app.start(ctx, IP);
    if (!key.ok || key.kind !== "key") throw new Error("expected a key");
    const judge = await app.prepareEnrolment(ctx, IP);
    if (typeof judge !== "function") throw new Error("expected a judge");
    const code = generateTotp(key.secret, f.clock.now());
    expect(await judge(code)).toEqual({ kind: "matched", factor: "app", amr: "otp" });
    expect(await app.confirmed(user.id)).toBe(true);
    expect(await judge(code)).toEqual({ kind: "used" });
  });
});
