// Issue 11: "Remember this device". A server-side record per browser (a random token in
// its own cookie, stored hashed), rotated on use, never extended past its first expiry;
// it skips only the second factor, never the password, never a step-up nor an application
// that requires a second factor; forgotten on Force New Password, a password change and
// deactivation (in their transactions); listed and forgettable on the user page;
// administrators turn it off or change the days.
import { afterEach, describe, expect, it } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { hashToken } from "../../src/core/secrets.js";
import { forceNewPassword } from "../../src/core/supervision.js";
import { setUserActive } from "../../src/core/user-admin.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const DAY = 86_400_000;
let v: Vestibule | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

/** Password, then the app code with "Remember this device" ticked. */
async function signInRemembering(t: Vestibule, username: string, secret: string): Promise<Browser> {
  const b = t.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe("/login/verify");
  const page = await b.get("/login/verify");
  expect(page.body).toContain("Remember this device for 30 days");
  const done = await b.post("/login/verify", { code: t.totp(secret), remember: "1" });
  expect(location(done)).toBe("/");
  return b;
}

/** The password step again in the same browser (its session cookie dropped). */
async function passwordAgain(b: Browser, username: string, password = DEFAULT_PASSWORD) {
  b.jar.delete("vst_session");
  await b.get("/login");
  return b.post("/login", { username, password });
}

async function setUp(): Promise<{ t: Vestibule; user: User; secret: string }> {
  const t = await startVestibule({ methods: ["app"] });
  v = t;
  const user = await t.addUser("ann");
  const secret = await t.enrolApp(user);
  return { t, user, secret };
}

describe("remember this device", () => {
  it("the next sign-in asks the password, skips the code, rotates the token and keeps the first expiry", async () => {
    const { t, user, secret } = await setUp();
    const b = await signInRemembering(t, "ann", secret);
    const first = b.jar.get("vst_remember")!;
    expect(first).toMatch(/^[\w-]{20,}$/);
    // Stored hashed: the token itself is nowhere in the database.
    const rows = await t.system.database.db.selectFrom("remembered_devices").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(first));
    expect(JSON.stringify(rows)).not.toContain(first);
    const expiresAt = Number(rows[0]!.expires_at);
    expect(expiresAt).toBe(t.clock.now() + 30 * DAY);
    const remembered = await t.system.stores.audit.list({ type: "device_remembered", limit: 5 });
    expect(remembered.map((e) => e.detail)).toEqual([{ days: 30 }]);

    // 20 days later: password only, then signed in; a new token, same expiry (10 days left).
    t.clock.advance(20 * DAY);
    const again = await passwordAgain(b, "ann");
    expect(location(again)).toBe("/");
    const cookie = again.cookies.find((c) => c.name === "vst_remember")!;
    expect(cookie.value).not.toBe(first);
    expect(cookie.maxAge).toBe(10 * 86_400);
    expect(cookie.httpOnly).toBe(true);
    const session = await t.system.stores.sessions.find(
      hashToken(b.jar.get("vst_session")!),
      t.clock.now(),
    );
    // Honest: this sign-in proved the password only.
    expect(session?.amr).toEqual(["pwd"]);
    const [device] = await t.system.stores.devices.listForUser(user.id, t.clock.now());
    expect(device?.expiresAt).toBe(expiresAt);
    const ok = await t.system.stores.audit.list({ type: "signin_ok", limit: 1 });
    expect(ok[0]?.detail).toEqual({ rememberedDevice: true });

    // The old token (a copied cookie) works no more: the code is asked.
    const thief = t.browser();
    thief.jar.set("vst_remember", first);
    await thief.get("/login");
    const stolen = await thief.post("/login", { username: "ann", password: DEFAULT_PASSWORD });
    expect(location(stolen)).toBe("/login/verify");

    // Past the first expiry, however recently used: the code again.
    t.clock.advance(10 * DAY);
    expect(location(await passwordAgain(b, "ann"))).toBe("/login/verify");
  });

  it("never skips the password; only this user's device counts", async () => {
    const { t, secret } = await setUp();
    const b = await signInRemembering(t, "ann", secret);
    const wrong = await passwordAgain(b, "ann", "not the password at all");
    expect(wrong.statusCode).toBe(401);
    expect(b.jar.has("vst_session")).toBe(false);
    expect((await b.get("/")).statusCode).toBe(303);
    // Another user in the same browser is asked for their code.
    const bob = await t.addUser("bob");
    await t.enrolApp(bob);
    expect(location(await passwordAgain(b, "bob"))).toBe("/login/verify");
  });

  it("over https its cookie is __Host-; a sign-in for forward-auth (which needs a second factor) still asks the code", async () => {
    const t = await startVestibule({
      methods: ["app"],
      env: {
        PUBLIC_URL: "https://signin.example.org",
        FORWARD_AUTH_COOKIE_DOMAIN: ".example.org",
      },
    });
    v = t;
    const user = await t.addUser("fay");
    const secret = await t.enrolApp(user);
    const b = t.browser();
    await b.get("/login");
    await b.post("/login", { username: "fay", password: DEFAULT_PASSWORD });
    await b.get("/login/verify");
    const done = await b.post("/login/verify", { code: t.totp(secret), remember: "1" });
    const cookie = done.cookies.find((c) => c.name === "__Host-vst_remember");
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, path: "/", sameSite: "Lax" });
    expect(cookie?.domain).toBeUndefined();

    b.jar.delete("__Host-vst_session");
    const wiki = "https://wiki.example.org/page";
    await b.get(`/login?rd=${encodeURIComponent(wiki)}`);
    const res = await b.post("/login", { username: "fay", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/verify");
    // The same device, for Vestibule's own pages: skipped.
    b.jar.delete("__Host-vst_signin");
    await b.get("/login");
    expect(location(await b.post("/login", { username: "fay", password: DEFAULT_PASSWORD }))).toBe(
      "/",
    );
  });

  it("a step-up is never answered by a remembered device", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const boss = await t.addUser("boss", { role: "supervisor" });
    const secret = await t.enrolApp(boss);
    const worker = await t.addUser("worker");
    const b = await signInRemembering(t, "boss", secret);
    t.clock.advance(DAY);
    expect(location(await passwordAgain(b, "boss"))).toBe("/");
    // Force New Password asks for a fresh second factor: the verification screen.
    const force = await b.get(`/users/${worker.id}/force-new-password`);
    expect(location(force)).toBe("/login/verify");
    const page = await b.get("/login/verify");
    expect(page.body).not.toContain("Remember this device");
  });

  it("forgotten by Force New Password, a password change and deactivation", async () => {
    const { t, user, secret } = await setUp();
    const b = await signInRemembering(t, "ann", secret);
    expect(await t.system.stores.devices.listForUser(user.id, t.clock.now())).toHaveLength(1);
    const admin = await t.addUser("root", { role: "administrator" });
    const staff = t.system.staff.admin;
    await forceNewPassword(staff, admin, user.id, null);
    expect(await t.system.stores.devices.listForUser(user.id, t.clock.now())).toEqual([]);
    expect(await t.system.stores.recoveryCodes.countLeft(user.id)).toBe(0);

    // A password change (here the forced one) forgets a device remembered meanwhile.
    await t.system.stores.users.setPassword(user.id, user.passwordHash, false);
    const again = await signInRemembering(t, "ann", await t.enrolApp(user));
    expect(await t.system.stores.devices.listForUser(user.id, t.clock.now())).toHaveLength(1);
    await t.system.stores.users.setPassword(user.id, user.passwordHash, true);
    const res = await passwordAgain(again, "ann");
    expect(location(res)).toBe("/login/new-password");
    await again.get("/login/new-password");
    const changed = await again.post("/login/new-password", {
      newPassword: "a brand new passphrase here",
      confirmPassword: "a brand new passphrase here",
    });
    expect(changed.statusCode).toBe(303);
    expect(await t.system.stores.devices.listForUser(user.id, t.clock.now())).toEqual([]);

    // Deactivation.
    const carl = await t.addUser("carl");
    const carlSecret = await t.enrolApp(carl);
    await signInRemembering(t, "carl", carlSecret);
    expect(await t.system.stores.devices.listForUser(carl.id, t.clock.now())).toHaveLength(1);
    await setUserActive(staff, admin, carl.id, false, null);
    expect(await t.system.stores.devices.listForUser(carl.id, t.clock.now())).toEqual([]);
    expect(b.jar.has("vst_remember")).toBe(true);
  });

  it("listed on the supervisor's user page and forgotten there", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const boss = await t.addUser("boss", { role: "supervisor" });
    const bossSecret = await t.enrolApp(boss);
    const dee = await t.addUser("dee");
    const deeSecret = await t.enrolApp(dee);
    const deeBrowser = await signInRemembering(t, "dee", deeSecret);
    const staff = await t.signIn("boss", bossSecret);
    const page = await staff.get(`/users/${dee.id}`);
    expect(page.body).toContain("Remembered devices");
    expect(page.body).toContain("lightMyRequest");
    expect(page.body).toContain("Recovery codes left");
    const [device] = await t.system.stores.devices.listForUser(dee.id, t.clock.now());
    const forgot = await staff.post(`/users/${dee.id}/devices/${device!.id}/forget`, {});
    expect(location(forgot)).toBe(`/users/${dee.id}?notice=device_forgotten`);
    expect(await t.system.stores.devices.listForUser(dee.id, t.clock.now())).toEqual([]);
    const events = await t.system.stores.audit.list({ type: "device_forgotten", limit: 5 });
    expect(events.map((e) => [e.userId, e.actorId])).toEqual([[dee.id, boss.id]]);
    expect(location(await passwordAgain(deeBrowser, "dee"))).toBe("/login/verify");
    // Another's device id, or one that is not there: 404.
    const none = await staff.post(`/users/${dee.id}/devices/${device!.id}/forget`, {});
    expect(none.statusCode).toBe(404);
  });

  it("administrators turn it off (no box, cookies not honoured) or change the days", async () => {
    const { t, secret } = await setUp();
    const b = await signInRemembering(t, "ann", secret);
    const root = await t.addUser("root", { role: "administrator" });
    const admin = await t.signIn("root", await t.enrolApp(root));
    await admin.get("/settings");
    expect(admin.html).toContain('name="days"');
    const bad = await admin.post("/settings/remember", { days: "1000" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Enter a whole number of days from 0 to 365.");
    await admin.get("/settings");
    const off = await admin.post("/settings/remember", { days: "0" });
    expect(location(off)).toBe("/settings?notice=remember_saved");
    const changed = await t.system.stores.audit.list({ type: "settings_changed", limit: 1 });
    expect(changed[0]?.detail).toEqual({ rememberDays: { from: 30, to: 0 }, via: "web" });
    const res = await passwordAgain(b, "ann");
    expect(location(res)).toBe("/login/verify");
    expect((await b.get("/login/verify")).body).not.toContain("Remember this device");
    // Back on with 7 days: the device made 0 days ago still counts, a new box says 7.
    await admin.get("/settings");
    await admin.post("/settings/remember", { days: "7" });
    expect((await b.get("/login/verify")).body).toContain("Remember this device for 7 days");
    t.clock.advance(8 * DAY);
    // Made longer ago than the days now allowed: the code.
    expect(location(await passwordAgain(b, "ann"))).toBe("/login/verify");
  });
});
