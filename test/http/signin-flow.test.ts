// Issue 2, the journey over HTTP (Fastify inject): Login → set-up (Show QR code, Save)
// → Login again with a notice → verification (Confirm) → home → Sign out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPasswordFlow, startStepUp } from "../../src/core/flow/flow.js";
import { hashToken } from "../../src/core/secrets.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  Browser,
  continueAfterSave,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule;

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"], env: { APP_NAME: "Acme Portal" } });
});
afterAll(async () => {
  await t.close();
});

/** GET /login then POST the password; returns the browser and the redirect. */
async function passwordStep(username: string, password = DEFAULT_PASSWORD) {
  const b = t.browser();
  const page = await b.get("/login");
  expect(page.statusCode).toBe(200);
  const res = await b.post("/login", { username, password });
  return { b, res };
}

/** Through set-up to a confirmed authenticator; returns the secret read from the page. */
async function enrolThroughPages(username: string): Promise<string> {
  const { b, res } = await passwordStep(username);
  expect(location(res)).toBe("/login/setup");
  const shown = await b.get("/login/setup?show=1");
  const secret = manualKeyOf(shown.body);
  if (!secret) throw new Error("no key on the set-up page");
  const saved = await b.post("/login/setup", { code: generateTotp(secret, t.clock.now()) });
  expect(continueAfterSave(saved)).toBe("/login?notice=app_added");
  return secret;
}

describe("the whole flow", () => {
  it("login → setup → Save → Login with notice → verify → home → Sign out", async () => {
    const alice = await t.addUser("alice");
    const b = t.browser();

    const login = await b.get("/login");
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('<label for="username">Username</label>');
    expect(login.body).toContain('<label for="password">Password</label>');
    expect(login.body).toContain(">Login</button>");

    const afterPassword = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    expect(afterPassword.statusCode).toBe(303);
    expect(location(afterPassword)).toBe("/login/setup");

    const setup = await b.follow(afterPassword);
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toContain(">Show QR code</button>");
    expect(setup.body).toContain('<label for="code">Verification code</label>');
    expect(setup.body).toContain(">Save</button>");
    expect(manualKeyOf(setup.body)).toBeUndefined(); // hidden until asked

    const shown = await b.get("/login/setup?show=1");
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toMatch(/<svg[^>]*>/); // the QR code, drawn inline
    const secret = manualKeyOf(shown.body);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(shown.body).toMatch(/<code class="key" id="manual-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</);
    // The key is kept sealed on this pending sign-in, not in clear, and is not the
    // user's authenticator until a code confirms it.
    const pendingBox = await t.system.stores.flows.getSetupKey(hashToken(b.jar.get("vst_signin")!));
    expect(pendingBox).toMatch(/^v1\./);
    expect(pendingBox).not.toContain(secret!);
    expect(await t.system.stores.authenticators.get(alice.id)).toBeUndefined();

    const saved = await b.post("/login/setup", { code: generateTotp(secret!, t.clock.now()) });
    // Issue 11: the recovery codes, shown once, then "sign in again".
    expect(saved.statusCode).toBe(200);
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added");
    expect(b.jar.has("vst_signin")).toBe(false); // the pending sign-in ended
    const again = await b.get(continueAfterSave(saved));
    expect(again.body).toContain("Your authenticator app has been added. Please sign in again");
    expect((await t.system.stores.authenticators.get(alice.id))?.confirmedAt).not.toBeNull();

    t.clock.advance(30_000); // a new code, as a person would wait for
    const second = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    expect(location(second)).toBe("/login/verify");
    const verify = await b.follow(second);
    expect(verify.body).toContain('<label for="code">Verification code</label>');
    expect(verify.body).toContain(">Confirm</button>");
    expect(manualKeyOf(verify.body)).toBeUndefined();

    const done = await b.post("/login/verify", { code: generateTotp(secret!, t.clock.now()) });
    expect(done.statusCode).toBe(303);
    expect(location(done)).toBe("/");
    const sessionCookie = b.jar.get("vst_session");
    expect(sessionCookie).toBeDefined();
    expect(b.jar.has("vst_signin")).toBe(false);

    const home = await b.get("/");
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("Welcome, alice");
    expect(home.body).toContain(">Sign out</button>");

    const out = await b.post("/logout", {});
    expect(out.statusCode).toBe(303);
    expect(location(out)).toBe("/login?notice=signed_out");
    expect(
      await t.system.stores.sessions.find(hashToken(sessionCookie!), t.clock.now()),
    ).toBeUndefined();

    // The old cookie, replayed by someone who kept it, opens nothing.
    const replay = new Browser(t.app);
    replay.jar.set("vst_session", sessionCookie!);
    const stale = await replay.get("/");
    expect(stale.statusCode).toBe(303);
    expect(location(stale)).toBe("/login");
  });

  it("a reload of set-up shows the same key; a new sign-in gets a new key", async () => {
    await t.addUser("reloader");
    const { b } = await passwordStep("reloader");
    const first = manualKeyOf((await b.get("/login/setup?show=1")).body);
    const second = manualKeyOf((await b.get("/login/setup?show=1")).body);
    expect(first).toMatch(/^[A-Z2-7]{32}$/);
    expect(second).toBe(first);
    // The key is per pending sign-in (docs/sign-in.md): a key someone saw in another
    // sign-in is never the one this sign-in confirms.
    const { b: other } = await passwordStep("reloader");
    const fresh = manualKeyOf((await other.get("/login/setup?show=1")).body);
    expect(fresh).toMatch(/^[A-Z2-7]{32}$/);
    expect(fresh).not.toBe(first);
    expect(manualKeyOf((await other.get("/login/setup?show=1")).body)).toBe(fresh);
    expect(manualKeyOf((await b.get("/login/setup?show=1")).body)).toBe(first);
  });

  it("once confirmed, no page shows the key", async () => {
    await t.addUser("carol");
    const { b, res } = await passwordStep("carol");
    await b.follow(res);
    const secret = manualKeyOf((await b.get("/login/setup?show=1")).body)!;
    // A second browser still on the set-up step while the first confirms.
    const { b: late } = await passwordStep("carol");
    await b.post("/login/setup", { code: generateTotp(secret, t.clock.now()) });

    // That second pending sign-in has nothing left to set up: it ends, without an error.
    const lateShow = await late.get("/login/setup?show=1");
    expect(lateShow.statusCode).toBe(303);
    expect(location(lateShow)).toBe("/login?notice=app_added");
    const pages: string[] = [lateShow.body];
    for (const url of ["/login/setup?show=1", "/login/setup", "/login/verify", "/"]) {
      const res = await late.get(url);
      expect(res.statusCode).toBeLessThan(500);
      pages.push(res.body);
    }
    t.clock.advance(30_000);
    const { b: next } = await passwordStep("carol");
    for (const url of ["/login/setup?show=1", "/login/setup", "/login/verify"]) {
      const res = await next.get(url);
      expect(res.statusCode).toBeLessThan(500);
      pages.push(res.body);
    }
    const grouped = secret.replace(/(.{4})(?=.)/g, "$1 ");
    for (const body of pages) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(grouped);
      expect(body).not.toContain("otpauth://");
      expect(body).not.toMatch(/<svg/);
    }
    // The set-up page redirects to verification now.
    const setup = await next.get("/login/setup?show=1");
    expect(setup.statusCode).toBe(303);
    expect(location(setup)).toBe("/login/verify");
  });

  it("Save in a second tab after the app was confirmed in the first: back to Login, no error", async () => {
    await t.addUser("twotabs");
    const { b: first } = await passwordStep("twotabs");
    const { b: second } = await passwordStep("twotabs");
    await second.get("/login/setup");
    const secret = manualKeyOf((await first.get("/login/setup?show=1")).body)!;
    await first.post("/login/setup", { code: generateTotp(secret, t.clock.now()) });
    const res = await second.post("/login/setup", {
      code: generateTotp(secret, t.clock.now() + 30_000),
    });
    expect(res.statusCode).toBe(303);
    expect(location(res)).toBe("/login?notice=app_added");
    expect(res.body).not.toContain(secret);
    expect(second.jar.has("vst_signin")).toBe(false);
  });

  it("the code that confirmed set-up cannot be used again to sign in", async () => {
    await t.addUser("dave");
    const secret = await enrolThroughPages("dave");
    const code = generateTotp(secret, t.clock.now());
    const { b, res } = await passwordStep("dave");
    expect(location(res)).toBe("/login/verify");
    await b.follow(res);
    const replay = await b.post("/login/verify", { code });
    expect(replay.statusCode).toBe(401);
    // Issue 11: refused, and said why: it was just used (the set-up code); wait for the next.
    expect(replay.body).toContain(
      "That code was just used. Wait for your app to show the next code",
    );
    expect(b.jar.has("vst_session")).toBe(false);
    // The next step's code works.
    t.clock.advance(30_000);
    const ok = await b.post("/login/verify", { code: generateTotp(secret, t.clock.now()) });
    expect(location(ok)).toBe("/");
  });

  it("20 concurrent submissions of one valid code give exactly one session", async () => {
    const erin = await t.addUser("erin");
    const secret = await t.enrolApp(erin);
    const { b, res } = await passwordStep("erin");
    await b.follow(res);
    const code = generateTotp(secret, t.clock.now());
    // Make the race real: hold every request after it has loaded the pending sign-in
    // until all 20 have, so they all reach the single-use statements together.
    const store = t.system.stores;
    const findChallenge = store.flows.find;
    let arrived = 0;
    let release: () => void = () => {};
    const allIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    store.flows.find = async (idHash, now) => {
      const found = await findChallenge.call(store, idHash, now);
      if (++arrived === 20) release();
      await allIn;
      return found;
    };
    let results: Awaited<ReturnType<typeof b.post>>[];
    try {
      results = await Promise.all(
        Array.from({ length: 20 }, () => b.post("/login/verify", { code })),
      );
    } finally {
      store.flows.find = findChallenge;
    }
    expect(arrived).toBeGreaterThanOrEqual(20);
    const signedIn = results.filter((r) => location(r) === "/");
    expect(signedIn).toHaveLength(1);
    expect(results.every((r) => r.statusCode < 500)).toBe(true);
    // The losers were refused like a wrong code, without ending the winner's sign-in
    // or locking the account's second factor.
    for (const r of results.filter((r) => location(r) !== "/")) {
      expect([401, 303]).toContain(r.statusCode);
      if (r.statusCode === 303) expect(location(r)).toBe("/login?notice=expired");
    }
    expect(await t.system.limits.secondFactor.check(erin.id)).toEqual({ allowed: true });
    const sessions = await t.system.database.db
      .selectFrom("sessions")
      .select("id_hash")
      .where("user_id", "=", erin.id)
      .execute();
    expect(sessions).toHaveLength(1);
    // Two browsers racing with the same code: one session between them.
    t.clock.advance(30_000);
    const one = await passwordStep("erin");
    const two = await passwordStep("erin");
    await one.b.follow(one.res);
    await two.b.follow(two.res);
    const next = generateTotp(secret, t.clock.now());
    const race = await Promise.all([
      one.b.post("/login/verify", { code: next }),
      two.b.post("/login/verify", { code: next }),
    ]);
    expect(race.filter((r) => location(r) === "/")).toHaveLength(1);
  });

  it("20 concurrent Saves of one valid set-up code confirm once and lock nothing", async () => {
    const fay = await t.addUser("fay");
    const { b } = await passwordStep("fay");
    const secret = manualKeyOf((await b.get("/login/setup?show=1")).body)!;
    const code = generateTotp(secret, t.clock.now());
    const store = t.system.stores;
    const getAuthenticator = store.authenticators.get;
    let arrived = 0;
    let release: () => void = () => {};
    const allIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    // All 20 pass the "still pending?" read before any confirms.
    store.authenticators.get = async (userId) => {
      const found = await getAuthenticator.call(store, userId);
      if (++arrived === 20) release();
      await allIn;
      return found;
    };
    let results: Awaited<ReturnType<typeof b.post>>[];
    try {
      results = await Promise.all(
        Array.from({ length: 20 }, () => b.post("/login/setup", { code })),
      );
    } finally {
      store.authenticators.get = getAuthenticator;
    }
    // Issue 14: a confirm runs in the transaction that writes its audit event, so the
    // wins are the events.
    const wins = await store.audit.list({ userId: fay.id, type: "authenticator_added", limit: 50 });
    expect(wins).toHaveLength(1);
    expect(
      results.filter((r) => continueAfterSave(r) === "/login?notice=app_added").length,
    ).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.statusCode < 500)).toBe(true);
    for (const r of results) expect(r.body).not.toContain(secret);
    expect(await t.system.limits.secondFactor.check(fay.id)).toEqual({ allowed: true });
    t.clock.advance(30_000);
    expect((await t.signIn("fay", secret)).jar.has("vst_session")).toBe(true);
  });

  it("a disabled user cannot sign in, even with the right password", async () => {
    await t.addUser("frank", { active: false });
    const { res } = await passwordStep("frank");
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("The username or password is incorrect.");
  });

  it("a user disabled mid-sign-in loses the pending sign-in", async () => {
    const gina = await t.addUser("gina");
    const secret = await t.enrolApp(gina);
    const { b, res } = await passwordStep("gina");
    await b.follow(res);
    await t.system.stores.users.update(gina.id, { active: false });
    const code = await b.post("/login/verify", { code: generateTotp(secret, t.clock.now()) });
    expect(code.statusCode).toBe(303);
    expect(location(code)).toBe("/login?notice=expired");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("the pending sign-in lives 10 minutes", async () => {
    const hank = await t.addUser("hank");
    const secret = await t.enrolApp(hank);
    const { b, res } = await passwordStep("hank");
    await b.follow(res);
    t.clock.advance(10 * 60_000);
    const late = await b.post("/login/verify", { code: generateTotp(secret, t.clock.now()) });
    expect(location(late)).toBe("/login?notice=expired");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("with 2FA off the password alone signs in, with a fresh session", async () => {
    const off = await startVestibule({ methods: [] });
    try {
      await off.addUser("ivy");
      const b = off.browser();
      await b.get("/login");
      const res = await b.post("/login", { username: "ivy", password: DEFAULT_PASSWORD });
      expect(location(res)).toBe("/");
      expect((await b.get("/")).body).toContain("Welcome, ivy");
    } finally {
      await off.close();
    }
  });

  it("a forced password change comes before set-up, never straight to signed in", async () => {
    await t.addUser("jill", { mustChange: true });
    const { b, res } = await passwordStep("jill");
    expect(location(res)).toBe("/login/new-password");
    const page = await b.follow(res);
    expect(page.body).toContain('<label for="new-password">New password</label>');
    expect(page.body).toContain('<label for="confirm-password">Confirm new password</label>');
    expect((await b.get("/")).statusCode).toBe(303);
    const changed = await b.post("/login/new-password", {
      newPassword: "quiet meadow copper kettle",
      confirmPassword: "quiet meadow copper kettle",
    });
    expect(location(changed)).toBe("/login/setup");
  });
});

describe("a flow that ends keeps where it was going", () => {
  it("too many wrong codes at set-up: a new flow waits for the password with the same continuation", async () => {
    const v = await startVestibule({ methods: ["app"] });
    try {
      await v.addUser("uma");
      const continuation = { kind: "path", path: "/settings" } as const;
      const b = v.browser();
      b.jar.set("vst_signin", await startPasswordFlow(v.system.core, continuation));
      await b.get("/login");
      const res = await b.post("/login", { username: "uma", password: DEFAULT_PASSWORD });
      expect(location(res)).toBe("/login/setup");
      const key = manualKeyOf((await b.get("/login/setup?show=1")).body)!;
      const wrong = generateTotp(key, v.clock.now()) === "000000" ? "000001" : "000000";
      let last = await b.post("/login/setup", { code: wrong });
      for (let i = 1; i < 5 && last.statusCode !== 303; i++) {
        await b.get("/login/setup?show=1");
        last = await b.post("/login/setup", { code: wrong });
      }
      expect(location(last)).toBe("/login?notice=too_many_codes");
      const token = b.jar.get("vst_signin");
      expect(token).toBeDefined();
      const waiting = await v.system.stores.flows.find(hashToken(token!), v.clock.now());
      expect(waiting).toMatchObject({ state: "password", userId: null, continuation });
    } finally {
      await v.close();
    }
  });

  it("a step-up that fails goes back to its page with the notice; the session stays", async () => {
    const v = await startVestibule({ methods: ["app"] });
    try {
      const vic = await v.addUser("vic");
      const secret = await v.enrolApp(vic);
      const b = await v.signIn("vic", secret);
      const session = await v.system.stores.sessions.find(
        hashToken(b.jar.get("vst_session")!),
        v.clock.now(),
      );
      b.jar.set(
        "vst_signin",
        await startStepUp(
          v.system.core,
          { sessionIdHash: session!.idHash, userId: vic.id },
          { kind: "path", path: "/" },
        ),
      );
      const wrong = v.totp(secret) === "000000" ? "000001" : "000000";
      expect((await b.get("/login/verify")).statusCode).toBe(200);
      let last = await b.post("/login/verify", { code: wrong });
      for (let i = 1; i < 5 && last.statusCode !== 303; i++) {
        await b.get("/login/verify");
        last = await b.post("/login/verify", { code: wrong });
      }
      expect(location(last)).toBe("/?notice=too_many_codes");
      expect(b.jar.has("vst_signin")).toBe(false);
      expect((await b.get("/")).statusCode).toBe(200);
    } finally {
      await v.close();
    }
  });
});
