// Guess limits under parallel requests. Every limit here is counted BEFORE the guess is
// checked; these tests fire many guesses at once through a store that answers after a
// delay (as a networked database does), which is where limits that were read first and
// counted afterwards let every parallel guess through.
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Method } from "../../src/core/ports/runtime.js";
import type { Stores } from "../../src/core/ports/stores.js";
import type { User } from "../../src/core/ports/users.js";
import { hashToken, hmacHex, newToken } from "../../src/core/secrets.js";
import { generateTotp } from "../../src/core/totp.js";
import { systemRandom } from "../../src/system.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

// Every TOTP check goes through matchTotpStep; count the calls. (Counting opens of the
// sealed key no longer works: the key is opened before the attempt is reserved, so that a
// key we cannot open never costs the user an attempt.)
const totpChecks = vi.hoisted(() => ({ n: 0 }));
vi.mock("../../src/core/totp.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/core/totp.js")>();
  return {
    ...real,
    matchTotpStep: (...args: Parameters<typeof real.matchTotpStep>) => {
      totpChecks.n++;
      return real.matchTotpStep(...args);
    },
  };
});

let t: Vestibule | undefined;
let undo: (() => void)[] = [];
afterEach(async () => {
  for (const u of undo.reverse()) u();
  undo = [];
  await t?.close();
  t = undefined;
});

/** Every Stores method waits `ms` before it runs, like a database across a network. */
function addLatency(store: Stores, ms = 1): void {
  const methods = store as unknown as Record<string, unknown>;
  const originals = Object.entries(methods).filter(([, v]) => typeof v === "function");
  for (const [name, fn] of originals) {
    methods[name] = async (...args: unknown[]) => {
      await sleep(ms);
      return (fn as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  undo.push(() => {
    for (const [name, fn] of originals) methods[name] = fn;
  });
}

/** Counts app codes checked from now on (calls of matchTotpStep). */
function countAppChecks(_app: Vestibule): () => number {
  const start = totpChecks.n;
  return () => totpChecks.n - start;
}

/** Wrong codes that were checked: each one is audited once as second_factor_failed. */
async function wrongCodesAudited(app: Vestibule, userId: string): Promise<number> {
  const events = await app.system.stores.audit.list({
    userId,
    type: "second_factor_failed",
    limit: 1000,
  });
  return events.filter((e) => !e.detail.reused).length;
}

/** A code that is not valid now (nor ±1 step) for this secret. */
function wrongAppCode(app: Vestibule, secret: string, n: number): string {
  const valid = new Set([-1, 0, 1].map((d) => generateTotp(secret, app.clock.now() + d * 30_000)));
  for (let i = n; ; i++) {
    const code = String((i * 7919 + 100_003) % 1_000_000).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

/** A pending sign-in at the verification step, made directly (no argon2 per sign-in). */
async function pendingSignIn(app: Vestibule, user: User): Promise<Browser> {
  const token = newToken(systemRandom);
  const now = app.clock.now();
  await app.system.stores.flows.create({
    idHash: hashToken(token),
    userId: user.id,
    state: "verify",
    createdAt: now,
    expiresAt: now + 600_000,
    purpose: "signin",
    continuation: { kind: "home" },
    sessionIdHash: null,
    failedCodes: 0,
  });
  const b = app.browser();
  b.jar.set("vst_signin", token);
  const page = await b.get("/login/verify");
  expect(page.statusCode).toBe(200);
  return b;
}

/** Puts an emailed/SMS `code` on the browser's pending sign-in, as sendCode stores it. */
async function giveCode(
  app: Vestibule,
  user: User,
  b: Browser,
  method: "email" | "sms",
  code: string,
) {
  const now = app.clock.now();
  const stored = await app.system.stores.flows.setCode(hashToken(b.jar.get("vst_signin")!), {
    hmac: hmacHex(app.system.codeKey, `${user.id}:${code}`),
    method,
    sentAt: now,
    expiresAt: now + 300_000,
  });
  expect(stored).toBe(true);
}

function otherCode(code: string, n: number): string {
  return String((Number(code) + 1 + n * 7919) % 1_000_000).padStart(6, "0");
}

describe("authenticator-app codes, many at once", () => {
  it("200 wrong codes at once on one pending sign-in: 5 are checked, then it is over", async () => {
    t = await startVestibule({ methods: ["app"] });
    const alice = await t.addUser("alice");
    const secret = await t.enrolApp(alice);
    const b = await pendingSignIn(t, alice);
    const cookie = b.jar.get("vst_signin")!;
    const page = b.html;
    const checks = countAppChecks(t);
    addLatency(t.system.stores);

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        b.post("/login/verify", { code: wrongAppCode(t!, secret, i) }),
      ),
    );
    expect(checks()).toBe(5);
    expect(await wrongCodesAudited(t, alice.id)).toBe(5);
    expect(results.every((r) => r.statusCode < 500)).toBe(true);
    expect(results.filter((r) => location(r) === "/login?notice=too_many_codes")).toHaveLength(1);

    // The right code on that pending sign-in now gets nothing.
    b.jar.set("vst_signin", cookie);
    b.html = page;
    const late = await b.post("/login/verify", { code: t.totp(secret) });
    expect(location(late)).toBe("/login?notice=expired");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("one wrong code on each of 60 pending sign-ins at once: 10 are checked, then the account is locked", async () => {
    t = await startVestibule({ methods: ["app"] });
    const alice = await t.addUser("alice");
    const secret = await t.enrolApp(alice);
    const browsers: Browser[] = [];
    for (let i = 0; i < 60; i++) browsers.push(await pendingSignIn(t, alice));
    const checks = countAppChecks(t);
    addLatency(t.system.stores);

    const results = await Promise.all(
      browsers.map((b, i) => b.post("/login/verify", { code: wrongAppCode(t!, secret, i) })),
    );
    expect(checks()).toBe(10);
    expect(await wrongCodesAudited(t, alice.id)).toBe(10);
    expect(results.every((r) => r.statusCode < 500)).toBe(true);
    const locked = await t.system.stores.audit.list({ type: "second_factor_locked", limit: 10 });
    expect(locked).toHaveLength(1);

    // Even the right code, on a fresh pending sign-in, is refused while locked.
    const fresh = await pendingSignIn(t, alice);
    const refused = await fresh.post("/login/verify", { code: t.totp(secret) });
    expect(location(refused)).toBe("/login?notice=locked&wait=900");
    expect(fresh.jar.has("vst_session")).toBe(false);
    expect(checks()).toBe(10);
  });

  it("a used code is not a guess: replays are given back, even the one that took the last attempt", async () => {
    t = await startVestibule({ methods: ["app"] });
    const alice = await t.addUser("alice");
    const secret = await t.enrolApp(alice);
    const first = await pendingSignIn(t, alice);
    const used = t.totp(secret);
    expect(location(await first.post("/login/verify", { code: used }))).toBe("/");

    // Nine wrong codes on the account, then the used code: it took the 10th attempt (and
    // with it the block), was refused as used, and gave both back.
    let n = 0;
    for (let s = 0; s < 3; s++) {
      const b = await pendingSignIn(t, alice);
      for (let i = 0; i < 3; i++)
        await b.post("/login/verify", { code: wrongAppCode(t, secret, n++) });
    }
    const replay = await pendingSignIn(t, alice);
    for (let i = 0; i < 6; i++) {
      const res = await replay.post("/login/verify", { code: used });
      expect(res.statusCode).toBe(401);
    }
    expect(await t.system.limits.secondFactor.check(alice.id)).toEqual({ allowed: true });
    // The nine wrong codes still count: the tenth locks.
    const tenth = await replay.post("/login/verify", { code: wrongAppCode(t, secret, n++) });
    expect(location(tenth)).toBe("/login?notice=locked&wait=900");
  });

  it("a double submission of the right code after 4 wrong ones: one session, the sign-in not ended by the loser", async () => {
    t = await startVestibule({ methods: ["app"] });
    const alice = await t.addUser("alice");
    const secret = await t.enrolApp(alice);
    const b = await pendingSignIn(t, alice);
    for (let i = 0; i < 4; i++) await b.post("/login/verify", { code: wrongAppCode(t, secret, i) });
    addLatency(t.system.stores);
    const code = t.totp(secret);
    const results = await Promise.all([1, 2].map(() => b.post("/login/verify", { code })));
    expect(results.filter((r) => location(r) === "/")).toHaveLength(1);
    expect(results.filter((r) => location(r) === "/login?notice=too_many_codes")).toHaveLength(0);
  });
});

describe.each(["email", "sms"] as const)("%s codes, many at once", (method) => {
  const methods: Method[] = [method];
  const contact = { email: "alice@example.test", phone: "+15005550001" };

  it("200 wrong codes at once on one pending sign-in: 5 are checked, then it is over", async () => {
    t = await startVestibule({ methods });
    const alice = await t.addUser("alice", contact);
    const b = await pendingSignIn(t, alice);
    const code = "424242";
    await giveCode(t, alice, b, method, code);
    const cookie = b.jar.get("vst_signin")!;
    const page = b.html;
    addLatency(t.system.stores);

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => b.post("/login/verify", { code: otherCode(code, i) })),
    );
    expect(await wrongCodesAudited(t, alice.id)).toBe(5);
    expect(results.every((r) => r.statusCode < 500)).toBe(true);

    b.jar.set("vst_signin", cookie);
    b.html = page;
    const late = await b.post("/login/verify", { code });
    expect(location(late)).toBe("/login?notice=expired");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("one wrong code on each of 40 pending sign-ins at once: 10 are checked, then the right code is refused", async () => {
    t = await startVestibule({ methods });
    const alice = await t.addUser("alice", contact);
    const code = "135790";
    const browsers: Browser[] = [];
    for (let i = 0; i < 40; i++) {
      const b = await pendingSignIn(t, alice);
      await giveCode(t, alice, b, method, code);
      browsers.push(b);
    }
    addLatency(t.system.stores);
    const results = await Promise.all(
      browsers.map((b, i) => b.post("/login/verify", { code: otherCode(code, i) })),
    );
    expect(await wrongCodesAudited(t, alice.id)).toBe(10);
    expect(results.every((r) => r.statusCode < 500)).toBe(true);

    const fresh = await pendingSignIn(t, alice);
    await giveCode(t, alice, fresh, method, code);
    expect(location(await fresh.post("/login/verify", { code }))).toBe(
      "/login?notice=locked&wait=900",
    );
    expect(fresh.jar.has("vst_session")).toBe(false);
  });
});

describe("passwords, many at once", () => {
  /** Counts argon2 verifications (real and dummy) while passing them through. */
  function countVerifies(app: Vestibule): () => number {
    const hasher = app.system.hasher;
    const { verify, verifyDummy } = hasher;
    let n = 0;
    hasher.verify = (hash, password) => {
      n++;
      return verify.call(hasher, hash, password);
    };
    hasher.verifyDummy = (password) => {
      n++;
      return verifyDummy.call(hasher, password);
    };
    undo.push(() => {
      hasher.verify = verify;
      hasher.verifyDummy = verifyDummy;
    });
    return () => n;
  }

  it("30 wrong passwords for one account at once: 10 are verified, the rest 429, then the right one is refused", async () => {
    t = await startVestibule({
      methods: [],
      env: { LIMIT_PASSWORD_ACCOUNT: "10/900/900", LIMIT_PASSWORD_IP: "1000/900/900" },
    });
    await t.addUser("alice");
    const verifies = countVerifies(t);
    addLatency(t.system.stores);
    const browsers = Array.from({ length: 30 }, (_, i) => t!.browser(`10.0.1.${i + 1}`));
    for (const b of browsers) await b.get("/login");
    const results = await Promise.all(
      browsers.map((b, i) => b.post("/login", { username: "alice", password: `wrong guess ${i}` })),
    );
    expect(verifies()).toBe(10);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(10);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(20);

    const right = await browsers[0]!.post("/login", {
      username: "alice",
      password: DEFAULT_PASSWORD,
    });
    expect(right.statusCode).toBe(429);
    expect(verifies()).toBe(10);
  });

  it("a success gives the address's attempt back, also the one that would have blocked it", async () => {
    t = await startVestibule({
      methods: [],
      env: { LIMIT_PASSWORD_ACCOUNT: "100/900/900", LIMIT_PASSWORD_IP: "3/900/900" },
    });
    await t.addUser("alice");
    const b = t.browser("10.0.2.1");
    await b.get("/login");
    for (const name of ["u1", "u2"]) {
      expect((await b.post("/login", { username: name, password: "nope nope" })).statusCode).toBe(
        401,
      );
    }
    for (let i = 0; i < 4; i++) {
      const ok = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
      expect(location(ok)).toBe("/");
      await b.get("/login");
    }
    // The two failures still count: the third blocks the address.
    expect((await b.post("/login", { username: "u3", password: "nope nope" })).statusCode).toBe(
      401,
    );
    expect(
      (await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD })).statusCode,
    ).toBe(429);
  });
});

describe("the account changes while argon2 runs", () => {
  it("Force New Password during the password check: the sign-in goes to the new-password step", async () => {
    t = await startVestibule({ methods: ["app"] });
    const alice = await t.addUser("alice");
    await t.enrolApp(alice);
    const hasher = t.system.hasher;
    const verify = hasher.verify;
    hasher.verify = async (hash, password) => {
      const ok = await verify.call(hasher, hash, password);
      await t!.system.stores.users.forceNewPassword(alice.id, { at: t!.clock.now(), byId: null });
      return ok;
    };
    undo.push(() => {
      hasher.verify = verify;
    });
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/new-password");
  });

  it("a new password set during the check: the old one no longer signs in", async () => {
    t = await startVestibule({ methods: [] });
    const alice = await t.addUser("alice");
    const hasher = t.system.hasher;
    const newHash = await hasher.hash("a completely different password");
    const verify = hasher.verify;
    hasher.verify = async (hash, password) => {
      const ok = await verify.call(hasher, hash, password);
      await t!.system.stores.users.setPassword(alice.id, newHash, false);
      return ok;
    };
    undo.push(() => {
      hasher.verify = verify;
    });
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    expect(res.statusCode).toBe(401);
    expect(b.jar.has("vst_session")).toBe(false);
  });
});
