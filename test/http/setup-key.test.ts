// Security review, items 1 and 2: the set-up key belongs to one pending sign-in (not to
// the user), and a sealed TOTP key is bound to its user. Each test tries the attack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, totpSecretAad } from "../../src/core/secrets.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  type Browser,
  continueAfterSave,
  csrfOf,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule;

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"] });
});
afterAll(async () => {
  await t.close();
});

async function toSetup(username: string, password = DEFAULT_PASSWORD): Promise<Browser> {
  const b = t.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password });
  expect(location(res)).toBe("/login/setup");
  await b.follow(res);
  return b;
}

async function shownKey(b: Browser): Promise<string> {
  const key = manualKeyOf((await b.get("/login/setup?show=1")).body);
  if (!key) throw new Error("no key on the set-up page");
  return key;
}

/** Codes of a key for the steps around now (what an app shows, ±1 step). */
function codesAround(secret: string): string[] {
  return [-1, 0, 1].map((k) => generateTotp(secret, t.clock.now() + k * 30_000));
}

describe("the set-up key is per pending sign-in", () => {
  it("someone who copied the key in their own sign-in gets no working second factor", async () => {
    const user = await t.addUser("newbie");
    // The attacker holds the temporary password: opens set-up, copies the key, leaves.
    const attacker = await toSetup("newbie");
    const copied = await shownKey(attacker);

    // The real user signs in later: a different key.
    const real = await toSetup("newbie");
    const key = await shownKey(real);
    expect(key).not.toBe(copied);
    // The copied key's code does not confirm the user's set-up…
    const wrong = await real.post("/login/setup", { code: generateTotp(copied, t.clock.now()) });
    expect(wrong.statusCode).toBe(401);
    expect(await t.system.stores.authenticators.get(user.id)).toBeUndefined();
    // …the user's own does.
    const saved = await real.post("/login/setup", { code: generateTotp(key, t.clock.now()) });
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added");
    const auth = await t.system.stores.authenticators.get(user.id);
    expect(t.system.core.box.open(auth!.secretBox, totpSecretAad(user.id))).toBe(key);

    // The attacker's abandoned sign-in cannot confirm its key over the user's, nor show it.
    const late = await attacker.post("/login/setup", {
      code: generateTotp(copied, t.clock.now() + 30_000),
    });
    // Issue 14: told that the key it showed was not saved (not "app added").
    expect(location(late)).toBe("/login?notice=key_replaced");
    expect((await t.system.stores.authenticators.get(user.id))?.secretBox).toBe(auth!.secretBox);

    // With the password, the attacker reaches verification; no code of the copied key works.
    t.clock.advance(30_000);
    for (const code of codesAround(copied)) {
      const b = t.browser();
      await b.get("/login");
      const res = await b.post("/login", { username: "newbie", password: DEFAULT_PASSWORD });
      expect(location(res)).toBe("/login/verify");
      await b.follow(res);
      const tried = await b.post("/login/verify", { code });
      expect(tried.statusCode).toBe(401);
      expect(b.jar.has("vst_session")).toBe(false);
    }
    await t.system.limits.secondFactor.reset(user.id);
    t.clock.advance(30_000);
    expect((await t.signIn("newbie", key)).jar.has("vst_session")).toBe(true);
  });

  it("racing first views of one sign-in show one key; the key is sealed, not the user's yet", async () => {
    const user = await t.addUser("racer");
    const b = await toSetup("racer");
    const pages = await Promise.all(Array.from({ length: 8 }, () => b.get("/login/setup?show=1")));
    const keys = new Set(pages.map((p) => manualKeyOf(p.body)));
    expect(keys.size).toBe(1);
    const [key] = [...keys];
    const sealed = await t.system.stores.flows.getSetupKey(hashToken(b.jar.get("vst_signin")!));
    expect(sealed).not.toContain(key!);
    expect(t.system.core.box.open(sealed!, totpSecretAad(user.id))).toBe(key);
    expect(await t.system.stores.authenticators.get(user.id)).toBeUndefined();
  });

  it("Save before Show QR code confirms nothing and then shows this sign-in's key", async () => {
    const user = await t.addUser("eager");
    const b = await toSetup("eager");
    const res = await b.post("/login/setup", { code: "123456" });
    expect(res.statusCode).toBe(409);
    expect(await t.system.stores.authenticators.get(user.id)).toBeUndefined();
    const key = manualKeyOf(res.body);
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(await shownKey(b)).toBe(key);
  });

  it("Force New Password ends the pending sign-in and its key; the next sign-in has a new one", async () => {
    const user = await t.addUser("forced");
    const b = await toSetup("forced");
    const before = await shownKey(b);
    const cookie = b.jar.get("vst_signin")!;
    await t.system.stores.users.forceNewPassword(user.id, { at: t.clock.now(), byId: null });
    expect(await t.system.stores.flows.getSetupKey(hashToken(cookie))).toBeUndefined();
    const gone = await b.post("/login/setup", { code: generateTotp(before, t.clock.now()) });
    expect(location(gone)).toBe("/login?notice=expired");
    expect(await t.system.stores.authenticators.get(user.id)).toBeUndefined();

    const again = t.browser();
    await again.get("/login");
    const res = await again.post("/login", { username: "forced", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/new-password");
    await again.follow(res);
    const changed = await again.post("/login/new-password", {
      newPassword: "amber window coral thistle",
      confirmPassword: "amber window coral thistle",
    });
    expect(location(changed)).toBe("/login/setup");
    expect(await shownKey(again)).not.toBe(before);
  });
});

describe("a sealed TOTP key is bound to its user", () => {
  it("a confirmed key copied onto another user's row is refused (503), never accepted", async () => {
    const mallory = await t.addUser("mallory");
    const victim = await t.addUser("victim");
    const mallorySecret = await t.enrolApp(mallory);
    await t.enrolApp(victim);
    const db = t.system.database.db;
    const row = await db
      .selectFrom("authenticators")
      .select("secret_box")
      .where("user_id", "=", mallory.id)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("authenticators")
      .set({ secret_box: row.secret_box })
      .where("user_id", "=", victim.id)
      .execute();

    t.clock.advance(30_000);
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "victim", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/verify");
    await b.follow(res);
    const tried = await b.post("/login/verify", {
      code: generateTotp(mallorySecret, t.clock.now()),
    });
    expect(tried.statusCode).toBe(503);
    expect(tried.body).not.toContain(mallorySecret);
    expect(b.jar.has("vst_session")).toBe(false);
    // Mallory's own row still opens for her.
    expect((await t.signIn("mallory", mallorySecret)).jar.has("vst_session")).toBe(true);
  });

  it("a set-up key copied onto another user's pending sign-in is refused and confirms nothing", async () => {
    const eve = await t.addUser("eve");
    const target = await t.addUser("target");
    const eves = await toSetup("eve");
    const eveKey = await shownKey(eves);
    const targets = await toSetup("target");
    await shownKey(targets);
    const store = t.system.stores;
    const eveBox = await store.flows.getSetupKey(hashToken(eves.jar.get("vst_signin")!));
    await t.system.database.db
      .updateTable("flows")
      .set({ setup_secret_box: eveBox! })
      .where("id_hash", "=", hashToken(targets.jar.get("vst_signin")!))
      .execute();
    // Neither the page nor Save accepts it.
    const csrf = csrfOf(targets.html);
    expect((await targets.get("/login/setup?show=1")).statusCode).toBe(503);
    const saved = await targets.post(
      "/login/setup",
      { code: generateTotp(eveKey, t.clock.now()) },
      { csrf },
    );
    expect(saved.statusCode).toBe(503);
    expect(await store.authenticators.get(target.id)).toBeUndefined();
    expect(await store.authenticators.get(eve.id)).toBeUndefined();
  });
});
