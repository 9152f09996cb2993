// Issue 14 (staff actions): an administrator could change a user's email and phone with no
// re-authentication and no word to the user. Changing someone's contact details, role or
// active state, unlocking them and Force New Password now ask the acting staff member for
// a second factor proved in the last 10 minutes (a step-up, back to the page), and a
// changed email or phone tells the user at the old address and the new one. Force New
// Password keeps the removed authenticator's record.
import { afterEach, describe, expect, it } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { type Browser, location, startVestibule, type Vestibule } from "../support/harness.js";

const MINUTE = 60_000;

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface Staff {
  browser: Browser;
  secret: string;
  user: User;
}

async function staff(v: Vestibule, role: "supervisor" | "administrator"): Promise<Staff> {
  const user = await v.addUser(role === "administrator" ? "root" : "sup", { role });
  const secret = await v.enrolApp(user);
  return { browser: await v.signIn(user.username, secret), secret, user };
}

/** The step-up: the verification screen, a fresh code, back where the form was. */
async function stepUp(v: Vestibule, s: Staff, redirect: string, backTo: string) {
  expect(redirect).toBe("/login/verify");
  await s.browser.get("/login/verify");
  const done = await s.browser.post("/login/verify", { code: v.totp(s.secret) });
  expect(location(done)).toBe(backTo);
  await s.browser.follow(done);
}

const profile = (over: Record<string, string>) => ({
  displayName: "",
  email: "",
  phone: "",
  role: "user",
  ...over,
});

describe("a fresh second factor before changing someone", () => {
  it("contact details: stale proof → step-up, nothing changed; then saved and the user told at both addresses", async () => {
    t = await startVestibule({ methods: ["app"] });
    const v = t;
    const admin = await staff(v, "administrator");
    const eve = await v.addUser("eve", { email: "eve@old.example", phone: "+61412345678" });
    v.clock.advance(11 * MINUTE);

    await admin.browser.get(`/users/${eve.id}`);
    const change = profile({ email: "eve@new.example", phone: "+61498765432" });
    const stale = await admin.browser.post(`/users/${eve.id}/edit`, change);
    expect(stale.statusCode).toBe(303);
    expect(await v.system.stores.users.findById(eve.id)).toMatchObject({
      email: "eve@old.example",
      phone: "+61412345678",
    });
    await stepUp(v, admin, location(stale), `/users/${eve.id}`);

    const saved = await admin.browser.post(`/users/${eve.id}/edit`, change);
    expect(location(saved)).toBe(`/users/${eve.id}?notice=saved`);
    expect(await v.system.stores.users.findById(eve.id)).toMatchObject({
      email: "eve@new.example",
      phone: "+61498765432",
    });
    const [event] = await v.system.stores.audit.list({
      userId: eve.id,
      type: "user_changed",
      limit: 1,
    });
    expect(event?.detail).toMatchObject({
      email: { from: "eve@old.example", to: "eve@new.example" },
      phone: { from: "+61412345678", to: "+61498765432" },
    });

    await v.system.notices.drain();
    const outbox = v.system.delivery.outbox?.list() ?? [];
    const to = (address: string) => outbox.filter((m) => m.to === address);
    for (const address of ["eve@old.example", "eve@new.example"]) {
      const mail = to(address).find((m) => m.subject?.includes("email address was changed"));
      expect(mail?.body, address).toContain("e•••@old.example to e•••@new.example");
    }
    expect(to("eve@new.example").some((m) => m.subject?.includes("phone number"))).toBe(true);
    for (const number of ["+61412345678", "+61498765432"]) {
      const sms = to(number).find((m) => m.channel === "sms");
      expect(sms?.body, number).toContain("the phone number of eve was changed");
    }
  });

  it("role and active state too; a fresh proof lasts 10 minutes", async () => {
    t = await startVestibule({ methods: ["app"] });
    const v = t;
    const admin = await staff(v, "administrator");
    const ian = await v.addUser("ian");
    // Within 10 minutes of the sign-in's code: no step-up.
    v.clock.advance(9 * MINUTE);
    await admin.browser.get(`/users/${ian.id}`);
    const promoted = await admin.browser.post(
      `/users/${ian.id}/edit`,
      profile({ role: "supervisor" }),
    );
    expect(location(promoted)).toBe(`/users/${ian.id}?notice=saved`);

    v.clock.advance(2 * MINUTE);
    await admin.browser.get(`/users/${ian.id}`);
    const stale = await admin.browser.post(`/users/${ian.id}/deactivate`, {});
    expect((await v.system.stores.users.findById(ian.id))?.active).toBe(true);
    await stepUp(v, admin, location(stale), `/users/${ian.id}`);
    const off = await admin.browser.post(`/users/${ian.id}/deactivate`, {});
    expect(location(off)).toBe(`/users/${ian.id}?notice=deactivated`);
    expect((await v.system.stores.users.findById(ian.id))?.active).toBe(false);
  });

  it("Force New Password: the confirmation page asks first, the POST checks again", async () => {
    t = await startVestibule({ methods: ["app"] });
    const v = t;
    const sup = await staff(v, "supervisor");
    const una = await v.addUser("una");
    await v.enrolApp(una);
    await sup.browser.get(`/users/${una.id}/force-new-password`);
    v.clock.advance(11 * MINUTE);
    // A POST with the confirmation page's token, but a stale proof: nothing happens.
    const stale = await sup.browser.post(`/users/${una.id}/force-new-password`, {});
    expect(location(stale)).toBe("/login/verify");
    expect((await v.system.stores.users.findById(una.id))?.mustChangePassword).toBe(false);
    // The page itself asks for the step-up, then shows the confirmation.
    const page = await sup.browser.get(`/users/${una.id}/force-new-password`);
    await stepUp(v, sup, location(page), `/users/${una.id}/force-new-password`);
    expect(sup.browser.html).toContain("Force New Password for una?");
    const done = await sup.browser.post(`/users/${una.id}/force-new-password`, {});
    expect(location(done)).toBe(`/users/${una.id}?notice=forced`);

    // The removed authenticator keeps its record: added, removed, by whom.
    const user = await sup.browser.follow(done);
    expect(user.body).toContain("Removed authenticator apps");
    expect(user.body).toMatch(
      /<tr><td>2030-01-01 00:0\d:\d\d UTC<\/td><td>2030-01-01 00:1\d:\d\d UTC<\/td><td>sup<\/td><\/tr>/,
    );
    const history = await v.system.stores.authenticators.history(una.id);
    expect(history).toMatchObject([{ removedBy: sup.user.id, reason: "force_new_password" }]);
  });

  it("unlock also asks for a fresh proof", async () => {
    t = await startVestibule({ methods: ["app"], env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const v = t;
    const sup = await staff(v, "supervisor");
    const lee = await v.addUser("lee");
    await v.system.limits.secondFactor.consume(lee.id);
    v.clock.advance(11 * MINUTE);
    await sup.browser.get(`/users/${lee.id}`);
    const stale = await sup.browser.post(`/users/${lee.id}/unlock`, {});
    expect(location(stale)).toBe("/login/verify");
    expect((await v.system.limits.secondFactor.check(lee.id)).allowed).toBe(false);
    await stepUp(v, sup, location(stale), `/users/${lee.id}`);
    const unlocked = await sup.browser.post(`/users/${lee.id}/unlock`, {});
    expect(location(unlocked)).toBe(`/users/${lee.id}?notice=unlocked`);
  });
});
