import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Challenge, Store, User } from "../core/ports.js";
import { migrate, type OpenedDatabase, openDatabase } from "./open.js";

const NOW = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

let opened: OpenedDatabase;
let store: Store;

beforeEach(async () => {
  opened = openDatabase("sqlite::memory:");
  await migrate(opened);
  store = opened.store;
});
afterEach(async () => {
  await store.close();
});

async function user(username = `u${randomUUID().slice(0, 8)}`): Promise<User> {
  const created = await store.createUser(
    { username, role: "user", passwordHash: "$argon2id$x", mustChangePassword: false },
    randomUUID(),
    NOW,
  );
  if (!created) throw new Error("user not created");
  return created;
}

function challenge(
  userId: string,
  idHash: string = randomUUID(),
  over: Partial<Challenge> = {},
): Challenge {
  return {
    idHash,
    userId,
    state: "verify",
    createdAt: NOW,
    expiresAt: NOW + 600_000,
    failedCodes: 0,
    ...over,
  };
}

describe("users", () => {
  it("createUser refuses a taken username without touching the first", async () => {
    const first = await user("alice");
    expect(
      await store.createUser(
        {
          username: "alice",
          role: "administrator",
          passwordHash: "other",
          mustChangePassword: true,
        },
        randomUUID(),
        NOW,
      ),
    ).toBeUndefined();
    expect(await store.findUserByUsername("alice")).toEqual(first);
  });

  it("round-trips booleans and times as their types", async () => {
    const u = await user("bob");
    expect(u).toMatchObject({ mustChangePassword: false, active: true, createdAt: NOW });
    await store.updateUser(u.id, { active: false });
    expect((await store.findUserById(u.id))?.active).toBe(false);
  });
});

/** A pending sign-in at the set-up step holding `box`; confirms it with `step`. */
async function enrol(u: User, step: number, box = "box"): Promise<boolean> {
  const c = challenge(u.id, randomUUID(), { state: "setup_app" });
  await store.createChallenge(c);
  await store.setChallengeSecret(c.idHash, box);
  return store.confirmAuthenticator({ challengeIdHash: c.idHash, secretBox: box, step, now: NOW });
}

describe("authenticator: single-use statements", () => {
  it("setChallengeSecret keeps the first box of a sign-in; each sign-in has its own", async () => {
    const u = await user();
    const c1 = challenge(u.id, "c1", { state: "setup_app" });
    const c2 = challenge(u.id, "c2", { state: "setup_app" });
    await store.createChallenge(c1);
    await store.createChallenge(c2);
    expect(await store.setChallengeSecret("c1", "box-1")).toBe("box-1");
    expect(await store.setChallengeSecret("c1", "box-2")).toBe("box-1");
    expect(await store.getChallengeSecret("c1")).toBe("box-1");
    expect(await store.setChallengeSecret("c2", "box-3")).toBe("box-3");
    // The key is not the user's until confirmed.
    expect(await store.getAuthenticator(u.id)).toBeUndefined();
  });

  it("confirmAuthenticator succeeds once, from the challenge's key, and records the step", async () => {
    const u = await user();
    const c = challenge(u.id, "c", { state: "setup_app" });
    await store.createChallenge(c);
    const confirm = (secretBox: string, step: number) =>
      store.confirmAuthenticator({ challengeIdHash: "c", secretBox, step, now: NOW });
    expect(await confirm("box", 100)).toBe(false); // no key shown yet
    await store.setChallengeSecret("c", "box");
    expect(await confirm("forged", 100)).toBe(false); // not the key this sign-in holds
    expect(await confirm("box", 100)).toBe(true);
    expect(await confirm("box", 101)).toBe(false);
    expect(await store.getAuthenticator(u.id)).toMatchObject({
      secretBox: "box",
      confirmedAt: NOW,
      lastStep: 100,
    });
  });

  it("of 20 concurrent confirmations exactly one wins", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c", { state: "setup_app" }));
    await store.setChallengeSecret("c", "box");
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.confirmAuthenticator({ challengeIdHash: "c", secretBox: "box", step: 100, now: NOW }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("a per-user pending row left by an older version is replaced on confirmation", async () => {
    const u = await user();
    await opened.db
      .insertInto("authenticators")
      .values({
        user_id: u.id,
        secret_box: "old",
        confirmed_at: null,
        last_step: null,
        created_at: 1,
      })
      .execute();
    expect(await enrol(u, 7, "new")).toBe(true);
    expect(await store.getAuthenticator(u.id)).toMatchObject({ secretBox: "new", lastStep: 7 });
  });

  it("useTotpStep refuses a user with only a set-up key", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c", { state: "setup_app" }));
    await store.setChallengeSecret("c", "box");
    expect(await store.useTotpStep(u.id, 5)).toBe(false);
    expect(await store.useTotpStep(randomUUID(), 5)).toBe(false);
  });

  it("useTotpStep accepts only strictly newer steps (the confirming step included)", async () => {
    const u = await user();
    await enrol(u, 100);
    expect(await store.useTotpStep(u.id, 100)).toBe(false); // same as the confirming code
    expect(await store.useTotpStep(u.id, 99)).toBe(false); // older
    expect(await store.useTotpStep(u.id, 101)).toBe(true);
    expect(await store.useTotpStep(u.id, 101)).toBe(false); // same again
    expect(await store.useTotpStep(u.id, 100)).toBe(false); // older than the last used
    expect(await store.useTotpStep(u.id, 102)).toBe(true);
    expect((await store.getAuthenticator(u.id))?.lastStep).toBe(102);
  });

  it("of 20 concurrent uses of one step exactly one wins", async () => {
    const u = await user();
    await enrol(u, 1);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.useTotpStep(u.id, 2)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("steps are per user", async () => {
    const a = await user();
    const b = await user();
    for (const u of [a, b]) {
      await enrol(u, 1);
    }
    expect(await store.useTotpStep(a.id, 2)).toBe(true);
    expect(await store.useTotpStep(b.id, 2)).toBe(true);
  });
});

describe("challenges", () => {
  it("findChallenge ignores an expired one", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c1"));
    expect(await store.findChallenge("c1", NOW)).toMatchObject({ userId: u.id, state: "verify" });
    expect(await store.findChallenge("c1", NOW + 600_000)).toBeUndefined();
    expect(await store.findChallenge("nope", NOW)).toBeUndefined();
  });

  it("takeChallenge succeeds once, and only in the named state", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c1"));
    expect(await store.takeChallenge("c1", "setup_app")).toBeUndefined();
    expect(await store.takeChallenge("c1", "verify")).toMatchObject({ idHash: "c1" });
    expect(await store.takeChallenge("c1", "verify")).toBeUndefined();
    expect(await store.findChallenge("c1", NOW)).toBeUndefined();
  });

  it("of 20 concurrent takes exactly one wins", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c1"));
    const taken = await Promise.all(
      Array.from({ length: 20 }, () => store.takeChallenge("c1", "verify")),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it("advanceChallenge is a compare-and-swap on id and state, and renames the row", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c1", { state: "change_password" }));
    expect(await store.advanceChallenge("c1", "setup_app", "verify", "c2")).toBe(false);
    expect(await store.advanceChallenge("c1", "change_password", "setup_app", "c2")).toBe(true);
    expect(await store.findChallenge("c1", NOW)).toBeUndefined();
    expect(await store.findChallenge("c2", NOW)).toMatchObject({ state: "setup_app" });
    // The old id is spent: a replay cannot move it again.
    expect(await store.advanceChallenge("c1", "change_password", "setup_app", "c3")).toBe(false);
    const racers = await Promise.all(
      ["x", "y", "z"].map((id) => store.advanceChallenge("c2", "setup_app", "verify", id)),
    );
    expect(racers.filter(Boolean)).toHaveLength(1);
  });

  it("addFailedCode counts, and says when the challenge is gone", async () => {
    const u = await user();
    await store.createChallenge(challenge(u.id, "c1"));
    expect(await store.addFailedCode("c1")).toBe(1);
    expect(await store.addFailedCode("c1")).toBe(2);
    await store.deleteChallenge("c1");
    expect(await store.addFailedCode("c1")).toBeUndefined();
  });
});

describe("sessions", () => {
  it("findSession ignores an expired one; deleteSession ends it", async () => {
    const u = await user();
    await store.createSession({
      idHash: "s1",
      userId: u.id,
      createdAt: NOW,
      expiresAt: NOW + HOUR,
    });
    expect(await store.findSession("s1", NOW)).toMatchObject({ userId: u.id });
    expect(await store.findSession("s1", NOW + HOUR)).toBeUndefined();
    await store.deleteSession("s1");
    expect(await store.findSession("s1", NOW)).toBeUndefined();
  });

  it("sweepExpired removes only expired sessions and challenges", async () => {
    const u = await user();
    await store.createSession({ idHash: "old", userId: u.id, createdAt: NOW, expiresAt: NOW + 1 });
    await store.createSession({
      idHash: "new",
      userId: u.id,
      createdAt: NOW,
      expiresAt: NOW + HOUR,
    });
    await store.createChallenge(challenge(u.id, "cold", { expiresAt: NOW + 1 }));
    await store.createChallenge(challenge(u.id, "cnew", { expiresAt: NOW + HOUR }));
    expect(await store.sweepExpired(NOW + 10)).toBe(2);
    expect(await store.findSession("new", NOW)).toBeDefined();
    expect(await store.findChallenge("cnew", NOW)).toBeDefined();
  });
});

describe("forceNewPassword", () => {
  it("clears the authenticator, sets must-change, ends sessions and sign-ins — of that user only", async () => {
    const victim = await user();
    const bystander = await user();
    for (const u of [victim, bystander]) {
      await enrol(u, 1);
      await store.createSession({
        idHash: `s-${u.id}`,
        userId: u.id,
        createdAt: NOW,
        expiresAt: NOW + HOUR,
      });
      await store.createChallenge(challenge(u.id, `c-${u.id}`));
    }
    await store.forceNewPassword(victim.id);

    expect(await store.getAuthenticator(victim.id)).toBeUndefined();
    expect((await store.findUserById(victim.id))?.mustChangePassword).toBe(true);
    expect(await store.findSession(`s-${victim.id}`, NOW)).toBeUndefined();
    expect(await store.findChallenge(`c-${victim.id}`, NOW)).toBeUndefined();

    expect(await store.getAuthenticator(bystander.id)).toBeDefined();
    expect((await store.findUserById(bystander.id))?.mustChangePassword).toBe(false);
    expect(await store.findSession(`s-${bystander.id}`, NOW)).toBeDefined();
    expect(await store.findChallenge(`c-${bystander.id}`, NOW)).toBeDefined();
  });
});

describe("settings and audit", () => {
  it("setSetting upserts", async () => {
    expect(await store.getSetting("methods")).toBeUndefined();
    await store.setSetting("methods", "app");
    await store.setSetting("methods", "app,sms");
    expect(await store.getSetting("methods")).toBe("app,sms");
  });

  it("appends audit events and lists newest first, filtered", async () => {
    const u = await user();
    await store.appendAudit({ type: "signin_failed", at: NOW, username: "x", ip: "1.2.3.4" });
    await store.appendAudit({
      type: "signin_ok",
      at: NOW + 1,
      userId: u.id,
      detail: { method: "app" },
    });
    const all = await store.listAudit({ limit: 10 });
    expect(all.map((e) => e.type)).toEqual(["signin_ok", "signin_failed"]);
    expect(all[0]).toMatchObject({ userId: u.id, detail: { method: "app" }, at: NOW + 1 });
    expect(await store.listAudit({ limit: 10, type: "signin_failed" })).toHaveLength(1);
    expect(await store.listAudit({ limit: 10, userId: u.id })).toHaveLength(1);
  });
});

describe("health", () => {
  it("ping answers while open and throws once closed", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    const other = openDatabase("sqlite::memory:");
    await other.store.ping();
    await other.store.close();
    await expect(other.store.ping()).rejects.toThrow();
  });
});
