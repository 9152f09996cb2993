// Issue 11 on the account page (branch recovery): "Recovery codes" with how many are left
// and New recovery codes (step-up first; the new set replaces the old, audited, emailed),
// and "Remembered devices", each forgettable by its owner only.
import { afterEach, describe, expect, it } from "vitest";
import { location, recoveryCodesOf, startVestibule, type Vestibule } from "../support/harness.js";
import { atVerify, userWithCodes } from "../support/recovery.js";

let v: Vestibule | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

describe("the account page's recovery sections", () => {
  it("codes left; New recovery codes after a fresh second factor replaces the old set", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const { user, secret, codes } = await userWithCodes(t, "ida", "ida@example.test");
    const b = await t.signIn("ida", secret);
    const page = await b.get("/account");
    expect(page.body).toContain("Recovery codes");
    expect(page.body).toContain("You have 10 recovery codes left.");
    expect(page.body).toContain("Remembered devices");
    expect(page.body).toContain("No remembered devices.");

    // The sign-in is fresh: the confirmation at once; the POST makes ten new codes.
    await b.get("/account/recovery-codes");
    expect(b.html).toContain("the old codes stop working at once");
    const made = await b.post("/account/recovery-codes", {});
    expect(made.statusCode).toBe(200);
    const fresh = recoveryCodesOf(made.body);
    expect(fresh).toHaveLength(10);
    expect(made.body).toContain('href="/account"');
    expect(made.body).not.toContain("authenticator app has been added");
    const issued = await t.system.stores.audit.list({ type: "recovery_codes_issued", limit: 1 });
    expect(issued[0]?.detail).toEqual({ count: 10, via: "account" });
    const mail = (await t.system.stores.outbox.pending()).filter(
      (m) => m.kind === "recovery_codes_issued",
    );
    expect(mail.map((m) => m.to)).toContain("ida@example.test");

    // The old set works no more; a new one does.
    const old = await atVerify(t, "ida");
    await old.get("/login/verify/recovery");
    expect(
      (await old.post("/login/verify", { form: "recovery", code: codes[0]! })).statusCode,
    ).toBe(401);
    const next = await atVerify(t, "ida");
    expect(location(await next.post("/login/verify", { code: fresh[0]! }))).toBe("/");
    expect(await t.system.stores.recoveryCodes.countLeft(user.id)).toBe(9);

    // Ten minutes on: a step-up first.
    t.clock.advance(11 * 60_000);
    const stepUp = await next.get("/account/recovery-codes");
    expect(location(stepUp)).toBe("/login/verify");
    const again = await next.post("/account/recovery-codes", {}, { csrf: null });
    expect(again.statusCode).toBe(403);
  });

  it("a remembered device is listed and its owner forgets it; another's device is not theirs to forget", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const jo = await t.addUser("jo");
    const joSecret = await t.enrolApp(jo);
    const b = await atVerify(t, "jo");
    await b.post("/login/verify", { code: t.totp(joSecret), remember: "1" });
    const page = await b.get("/account");
    expect(page.body).toContain("lightMyRequest");
    const [device] = await t.system.stores.devices.listForUser(jo.id, t.clock.now());
    expect(page.body).toContain(`/account/devices/${device!.id}/forget`);

    const kim = await t.addUser("kim");
    const kimBrowser = await t.signIn("kim", await t.enrolApp(kim));
    await kimBrowser.get("/account");
    const notTheirs = await kimBrowser.post(`/account/devices/${device!.id}/forget`, {});
    expect(location(notTheirs)).toBe("/account?notice=expired");
    expect(await t.system.stores.devices.listForUser(jo.id, t.clock.now())).toHaveLength(1);

    const forgot = await b.post(`/account/devices/${device!.id}/forget`, {});
    expect(location(forgot)).toBe("/account?notice=device_forgotten");
    expect(await t.system.stores.devices.listForUser(jo.id, t.clock.now())).toEqual([]);
    const events = await t.system.stores.audit.list({ type: "device_forgotten", limit: 1 });
    expect([events[0]?.userId, events[0]?.actorId]).toEqual([jo.id, jo.id]);
  });
});
