// Second review: a store or limiter fault AFTER the attempt was reserved (Redis or the
// database blipping) is our fault, not a guess. The request answers with the error (503)
// and both counts are given back: five such 503s must neither use up the pending sign-in
// (the right code then refused as "invalid") nor lock the account.
import { afterEach, describe, expect, it } from "vitest";
import { confirmSetup } from "../../src/core/flow/setup.js";
import { verify } from "../../src/core/flow/verify.js";
import { hashToken } from "../../src/core/secrets.js";
import { generateTotp } from "../../src/core/totp.js";
import { type Faults, injectFaults } from "../support/faults.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** One point: a single attempt left charged would lock the account's second factor. */
const ENV = { LIMIT_SECOND_FACTOR: "1/86400/900" };
const IP = "127.0.0.1";

/** A Vestibule whose store slices and account limiter fail while armed (support/faults.ts). */
async function faultyVestibule(
  options: Parameters<typeof startVestibule>[0],
): Promise<{ v: Vestibule; faults: Faults }> {
  const faults = injectFaults();
  const v = await startVestibule({ ...options, overrides: faults.overrides });
  return { v, faults };
}

async function toStep(a: Vestibule, username: string, to: string): Promise<Browser> {
  const b = a.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe(to);
  await b.follow(res);
  return b;
}

async function failedCodes(a: Vestibule, token: string | undefined): Promise<number | undefined> {
  if (!token) return undefined;
  return (await a.system.stores.flows.find(hashToken(token), a.clock.now()))?.failedCodes;
}

async function accountAllowed(a: Vestibule, userId: string): Promise<boolean> {
  return (await a.system.limits.secondFactor.check(userId)).allowed;
}

describe("app code on the verification screen: faults after the attempt is reserved", () => {
  for (const point of ["limiter.consume", "authenticators.useStep", "flows.take"]) {
    it(`${point} failing five times charges nothing; the right code then signs in`, async () => {
      const { v, faults } = await faultyVestibule({ methods: ["app"], env: ENV });
      t = v;
      const user = await t.addUser("ada");
      const secret = await t.enrolApp(user);
      const b = await toStep(t, "ada", "/login/verify");
      const token = b.jar.get("vst_signin");
      faults.armed.add(point);
      for (let i = 0; i < 5; i++) {
        // A fresh step each time: after flows.take fails the step is used already.
        t.clock.advance(30_000);
        await expect(verify(t.system.core, token, t.totp(secret), IP)).rejects.toThrow(point);
      }
      faults.armed.clear();
      expect(await failedCodes(t, token)).toBe(0);
      expect(await accountAllowed(t, user.id)).toBe(true);
      // flows.take failed after the step was used: the next step's code.
      t.clock.advance(30_000);
      const done = await verify(t.system.core, token, t.totp(secret), IP);
      expect(done).toMatchObject({ ok: true, kind: "session" });
    });
  }

  it("startSession (sessions.create) failing gives the account's attempt back", async () => {
    const { v, faults } = await faultyVestibule({ methods: ["app"], env: ENV });
    t = v;
    const user = await t.addUser("abe");
    const secret = await t.enrolApp(user);
    const b = await toStep(t, "abe", "/login/verify");
    faults.armed.add("sessions.create");
    await expect(
      verify(t.system.core, b.jar.get("vst_signin"), t.totp(secret), IP),
    ).rejects.toThrow("sessions.create");
    faults.armed.clear();
    // The flow was taken already; the account is not charged: sign in again.
    expect(await accountAllowed(t, user.id)).toBe(true);
    t.clock.advance(30_000);
    await t.signIn("abe", secret);
  });

  it("a refund that fails too does not mask the original error", async () => {
    // Default limits: the refunds fail here, so attempts stay charged.
    const { v, faults } = await faultyVestibule({ methods: ["app"] });
    t = v;
    const user = await t.addUser("amy");
    const secret = await t.enrolApp(user);
    const b = await toStep(t, "amy", "/login/verify");
    for (const name of ["authenticators.useStep", "flows.refundAttempt", "limiter.refund"]) {
      faults.armed.add(name);
    }
    await expect(
      verify(t.system.core, b.jar.get("vst_signin"), t.totp(secret), IP),
    ).rejects.toThrow("injected fault: authenticators.useStep");
    // The limiter's consume failing with a failing refund: still the consume error.
    t.clock.advance(30_000);
    faults.armed.clear();
    faults.armed.add("limiter.consume");
    faults.armed.add("flows.refundAttempt");
    await expect(
      verify(t.system.core, b.jar.get("vst_signin"), t.totp(secret), IP),
    ).rejects.toThrow("injected fault: limiter.consume");
  });

  it("a wrong code stays counted when a later step fails (no refund after the verdict)", async () => {
    const { v, faults } = await faultyVestibule({ methods: ["app"] });
    t = v;
    const user = await t.addUser("ann");
    const secret = await t.enrolApp(user);
    const b = await toStep(t, "ann", "/login/verify");
    const token = b.jar.get("vst_signin");
    const wrong = t.totp(secret) === "000000" ? "000001" : "000000";
    for (let i = 1; i <= 3; i++) {
      faults.armed.add("audit.append");
      await expect(verify(t.system.core, token, wrong, IP)).rejects.toThrow("audit");
      faults.armed.clear();
      expect(await failedCodes(t, token)).toBe(i);
    }
  });
});

describe("emailed code: faults after the attempt is reserved", () => {
  it("flows.useCode failing five times charges nothing; the same code then signs in", async () => {
    const { v, faults } = await faultyVestibule({ methods: ["email"], env: ENV });
    t = v;
    const user = await t.addUser("eva", { email: "eva@example.test" });
    const b = await toStep(t, "eva", "/login/verify");
    await b.post("/login/code", { method: "email" });
    const mail = t.system.delivery.outbox?.list()[0];
    const code = /verification code is (\d{6})/.exec(mail?.body ?? "")?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
    const token = b.jar.get("vst_signin");
    faults.armed.add("flows.useCode");
    for (let i = 0; i < 5; i++) {
      await expect(verify(t.system.core, token, code, IP)).rejects.toThrow("flows.useCode");
    }
    faults.armed.clear();
    expect(await failedCodes(t, token)).toBe(0);
    expect(await accountAllowed(t, user.id)).toBe(true);
    expect(await verify(t.system.core, token, code, IP)).toMatchObject({
      ok: true,
      kind: "session",
    });
  });
});

describe("Save on the set-up screen: faults after the attempt is reserved", () => {
  for (const point of ["limiter.consume", "authenticators.confirm"]) {
    it(`${point} failing five times charges nothing; the right code then confirms`, async () => {
      const { v, faults } = await faultyVestibule({ methods: ["app"], env: ENV });
      t = v;
      const user = await t.addUser("sam");
      const b = await toStep(t, "sam", "/login/setup");
      const key = manualKeyOf((await b.get("/login/setup?show=1")).body) ?? "";
      expect(key).not.toBe("");
      const token = b.jar.get("vst_signin");
      const code = generateTotp(key, t.clock.now());
      faults.armed.add(point);
      for (let i = 0; i < 5; i++) {
        await expect(confirmSetup(t.system.core, token, code, IP)).rejects.toThrow(point);
      }
      faults.armed.clear();
      expect(await failedCodes(t, token)).toBe(0);
      expect(await accountAllowed(t, user.id)).toBe(true);
      expect(await confirmSetup(t.system.core, token, code, IP)).toMatchObject({
        ok: true,
        kind: "ended",
      });
      expect((await t.system.stores.authenticators.get(user.id))?.confirmedAt).toBeTruthy();
    });
  }
});

describe("a store fault while the factors get ready (before the attempt) charges nothing", () => {
  for (const point of ["flows.getCode", "authenticators.get"]) {
    it(`${point} failing answers with the fault; no attempt counted; the right answer then signs in`, async () => {
      const { v, faults } = await faultyVestibule({ methods: ["app", "email"], env: ENV });
      t = v;
      const user = await t.addUser("eva", { email: "eva@example.test" });
      const secret = await t.enrolApp(user);
      const b = await toStep(t, "eva", "/login/verify");
      await b.post("/login/code", { method: "email" });
      const mail = t.system.delivery.outbox?.list()[0];
      const code = /verification code is (\d{6})/.exec(mail?.body ?? "")?.[1] ?? "";
      expect(code).toMatch(/^\d{6}$/);
      const token = b.jar.get("vst_signin");
      // The answer the failing factor would have matched: the emailed code, or the app's.
      const answer = point === "flows.getCode" ? code : t.totp(secret);
      faults.armed.add(point);
      await expect(verify(t.system.core, token, answer, IP)).rejects.toThrow(point);
      faults.armed.clear();
      expect(await failedCodes(t, token)).toBe(0);
      expect(await accountAllowed(t, user.id)).toBe(true);
      expect(await verify(t.system.core, token, answer, IP)).toMatchObject({ kind: "session" });
    });
  }
});
