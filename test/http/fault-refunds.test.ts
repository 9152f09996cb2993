// Second review: a store or limiter fault AFTER the attempt was reserved (Redis or the
// database blipping) is our fault, not a guess. The request answers with the error (503)
// and both counts are given back: five such 503s must neither use up the pending sign-in
// (the right code then refused as "invalid") nor lock the account.
import { afterEach, describe, expect, it } from "vitest";
import { verifyCode } from "../../src/core/codes.js";
import { confirmSetup, verifyAppCode } from "../../src/core/second-factor.js";
import { hashToken } from "../../src/core/secrets.js";
import type { SignInDeps } from "../../src/core/signin.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  makeTestApp,
  manualKeyOf,
  type TestApp,
} from "../support/app.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** One point: a single attempt left charged would lock the account's second factor. */
const ENV = { LIMIT_SECOND_FACTOR: "1/86400/900" };
const IP = "127.0.0.1";

/**
 * The deps with faults armed by name: store methods ("useTotpStep"), the account limiter
 * ("limiter.consume", "limiter.refund") and "audit". Each armed call rejects.
 */
function faulty<T extends SignInDeps>(deps: T, armed: Set<string>): T {
  const wrap = <O extends object>(target: O, prefix: string): O =>
    new Proxy(target, {
      get(obj, prop, recv) {
        const value = Reflect.get(obj, prop, recv);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) =>
          armed.has(`${prefix}${String(prop)}`)
            ? Promise.reject(new Error(`injected fault: ${prefix}${String(prop)}`))
            : value.apply(obj, args);
      },
    });
  return {
    ...deps,
    store: wrap(deps.store, ""),
    limits: { ...deps.limits, secondFactor: wrap(deps.limits.secondFactor, "limiter.") },
    audit: (e: Parameters<T["audit"]>[0]) =>
      armed.has("audit") ? Promise.reject(new Error("injected fault: audit")) : deps.audit(e),
  };
}

async function toStep(a: TestApp, username: string, to: string): Promise<Browser> {
  const b = a.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe(to);
  await b.follow(res);
  return b;
}

async function failedCodes(a: TestApp, token: string | undefined): Promise<number | undefined> {
  if (!token) return undefined;
  return (await a.system.store.findChallenge(hashToken(token), a.clock.now()))?.failedCodes;
}

async function accountAllowed(a: TestApp, userId: string): Promise<boolean> {
  return (await a.system.limits.secondFactor.check(userId)).allowed;
}

describe("app code on the verification screen: faults after the attempt is reserved", () => {
  for (const point of ["limiter.consume", "useTotpStep", "takeChallenge"]) {
    it(`${point} failing five times charges nothing; the right code then signs in`, async () => {
      t = await makeTestApp({ methods: ["app"], env: ENV });
      const user = await t.addUser("ada");
      const secret = await t.enrolApp(user);
      const b = await toStep(t, "ada", "/login/verify");
      const token = b.jar.get("vst_signin");
      const armed = new Set([point]);
      const deps = faulty(t.system.core, armed);
      for (let i = 0; i < 5; i++) {
        // A fresh step each time: after takeChallenge fails the step is used already.
        t.clock.advance(30_000);
        await expect(verifyAppCode(deps, token, t.totp(secret), IP)).rejects.toThrow(point);
      }
      expect(await failedCodes(t, token)).toBe(0);
      expect(await accountAllowed(t, user.id)).toBe(true);
      armed.clear();
      // takeChallenge failed after the step was used: the next step's code.
      t.clock.advance(30_000);
      const done = await verifyAppCode(deps, token, t.totp(secret), IP);
      expect(done).toMatchObject({ ok: true, kind: "session" });
    });
  }

  it("startSession (createSession) failing gives the account's attempt back", async () => {
    t = await makeTestApp({ methods: ["app"], env: ENV });
    const user = await t.addUser("abe");
    const secret = await t.enrolApp(user);
    const b = await toStep(t, "abe", "/login/verify");
    const deps = faulty(t.system.core, new Set(["createSession"]));
    await expect(verifyAppCode(deps, b.jar.get("vst_signin"), t.totp(secret), IP)).rejects.toThrow(
      "createSession",
    );
    // The pending sign-in was taken already; the account is not charged: sign in again.
    expect(await accountAllowed(t, user.id)).toBe(true);
    t.clock.advance(30_000);
    await t.signIn("abe", secret);
  });

  it("a refund that fails too does not mask the original error", async () => {
    // Default limits: the refunds fail here, so attempts stay charged.
    t = await makeTestApp({ methods: ["app"] });
    const user = await t.addUser("amy");
    const secret = await t.enrolApp(user);
    const b = await toStep(t, "amy", "/login/verify");
    const deps = faulty(
      t.system.core,
      new Set(["useTotpStep", "refundCodeAttempt", "limiter.refund"]),
    );
    await expect(verifyAppCode(deps, b.jar.get("vst_signin"), t.totp(secret), IP)).rejects.toThrow(
      "injected fault: useTotpStep",
    );
    // The limiter's consume failing with a failing refund: still the consume error.
    t.clock.advance(30_000);
    const deps2 = faulty(t.system.core, new Set(["limiter.consume", "refundCodeAttempt"]));
    await expect(verifyAppCode(deps2, b.jar.get("vst_signin"), t.totp(secret), IP)).rejects.toThrow(
      "injected fault: limiter.consume",
    );
  });

  it("a wrong code stays counted when a later step fails (no refund after the verdict)", async () => {
    t = await makeTestApp({ methods: ["app"] });
    const user = await t.addUser("ann");
    const secret = await t.enrolApp(user);
    const b = await toStep(t, "ann", "/login/verify");
    const token = b.jar.get("vst_signin");
    const deps = faulty(t.system.core, new Set(["audit"]));
    const wrong = t.totp(secret) === "000000" ? "000001" : "000000";
    for (let i = 1; i <= 3; i++) {
      await expect(verifyAppCode(deps, token, wrong, IP)).rejects.toThrow("audit");
      expect(await failedCodes(t, token)).toBe(i);
    }
  });
});

describe("emailed code: faults after the attempt is reserved", () => {
  it("useChallengeCode failing five times charges nothing; the same code then signs in", async () => {
    t = await makeTestApp({ methods: ["email"], env: ENV });
    const user = await t.addUser("eva", { email: "eva@example.test" });
    const b = await toStep(t, "eva", "/login/verify");
    await b.post("/login/code", { method: "email" });
    const mail = t.system.delivery.outbox?.list()[0];
    const code = /verification code is (\d{6})/.exec(mail?.body ?? "")?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
    const token = b.jar.get("vst_signin");
    const armed = new Set(["useChallengeCode"]);
    const deps = faulty(t.system.codeCore, armed);
    for (let i = 0; i < 5; i++) {
      await expect(verifyCode(deps, token, code, IP)).rejects.toThrow("useChallengeCode");
    }
    expect(await failedCodes(t, token)).toBe(0);
    expect(await accountAllowed(t, user.id)).toBe(true);
    armed.clear();
    expect(await verifyCode(deps, token, code, IP)).toMatchObject({ ok: true, kind: "session" });
  });
});

describe("Save on the set-up screen: faults after the attempt is reserved", () => {
  for (const point of ["limiter.consume", "confirmAuthenticator"]) {
    it(`${point} failing five times charges nothing; the right code then confirms`, async () => {
      t = await makeTestApp({ methods: ["app"], env: ENV });
      const user = await t.addUser("sam");
      const b = await toStep(t, "sam", "/login/setup");
      const key = manualKeyOf((await b.get("/login/setup?show=1")).body) ?? "";
      expect(key).not.toBe("");
      const token = b.jar.get("vst_signin");
      const armed = new Set([point]);
      const deps = faulty(t.system.core, armed);
      const code = generateTotp(key, t.clock.now());
      for (let i = 0; i < 5; i++) {
        await expect(confirmSetup(deps, token, code, IP)).rejects.toThrow(point);
      }
      expect(await failedCodes(t, token)).toBe(0);
      expect(await accountAllowed(t, user.id)).toBe(true);
      armed.clear();
      expect(await confirmSetup(deps, token, code, IP)).toEqual({ ok: true });
      expect((await t.system.store.getAuthenticator(user.id))?.confirmedAt).toBeTruthy();
    });
  }
});
