// One behaviour for every Store adapter: the same cases run on SQLite and PostgreSQL
// (store.test.ts). Single-use rules are raced, since that is what several instances do.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { Challenge, NewUser, Store } from "../../src/core/ports.js";
import { storeConfirmedAuthenticator } from "../support/authenticator.js";

export interface StoreUnderTest {
  store: Store;
  /** A second store on the same database (another instance); the same one for SQLite :memory:. */
  other: Store;
}

const NOW = Date.UTC(2030, 0, 1);

function newUser(username: string, extra: Partial<NewUser> = {}): NewUser {
  return {
    username,
    role: "user",
    passwordHash: "$argon2id$fake",
    mustChangePassword: false,
    ...extra,
  };
}

function uniq(base: string): string {
  return `${base}_${randomUUID().slice(0, 8)}`;
}

export function storeContract(name: string, get: () => StoreUnderTest): void {
  describe(`Store contract: ${name}`, () => {
    const addUser = async (base: string, extra: Partial<NewUser> = {}) => {
      const user = await get().store.createUser(newUser(uniq(base), extra), randomUUID(), NOW);
      if (!user) throw new Error("createUser refused a fresh username");
      return user;
    };
    const challenge = (userId: string, over: Partial<Challenge> = {}): Challenge => ({
      idHash: randomUUID(),
      userId,
      state: "verify",
      createdAt: NOW,
      expiresAt: NOW + 600_000,
      failedCodes: 0,
      ...over,
    });

    test("ping answers", async () => {
      await expect(get().store.ping()).resolves.toBeUndefined();
    });

    test("users: create, find, duplicate username refused, patch, booleans and times", async () => {
      const { store, other } = get();
      const user = await addUser("alice", { email: "a@example.test", mustChangePassword: true });
      expect(user).toMatchObject({ role: "user", mustChangePassword: true, active: true });
      expect(user.createdAt).toBe(NOW);
      expect(typeof user.createdAt).toBe("number");
      expect(await other.findUserByUsername(user.username)).toEqual(user);
      expect(await store.findUserById(user.id)).toEqual(user);
      expect(await store.findUserByUsername(`${user.username}x`)).toBeUndefined();
      expect(await store.createUser(newUser(user.username), randomUUID(), NOW)).toBeUndefined();

      await store.updateUser(user.id, {
        phone: "+447700900123",
        role: "supervisor",
        active: false,
      });
      await store.setPassword(user.id, "$argon2id$new", false);
      await store.recordSignIn(user.id, NOW + 5);
      expect(await other.findUserById(user.id)).toMatchObject({
        phone: "+447700900123",
        role: "supervisor",
        active: false,
        passwordHash: "$argon2id$new",
        mustChangePassword: false,
        lastSignInAt: NOW + 5,
      });
    });

    test("two instances creating one username at once: exactly one wins", async () => {
      const { store, other } = get();
      const username = uniq("race");
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : store).createUser(newUser(username), randomUUID(), NOW),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test("listUsers pages by username and searches by prefix of username or email", async () => {
      const { store } = get();
      const tag = `ls${randomUUID().slice(0, 6)}`;
      for (const n of ["c", "a", "b"])
        await store.createUser(newUser(`${tag}_${n}`), randomUUID(), NOW);
      await store.createUser(
        newUser(`zz${tag}`, { email: `${tag.toUpperCase()}@example.test` }),
        randomUUID(),
        NOW,
      );
      const page1 = await store.listUsers({ search: tag, limit: 2 });
      expect(page1.map((u) => u.username)).toEqual([`${tag}_a`, `${tag}_b`]);
      const page2 = await store.listUsers({ search: tag, limit: 10, after: `${tag}_b` });
      expect(page2.map((u) => u.username)).toEqual([`${tag}_c`, `zz${tag}`]);
      // LIKE wildcards in the search are literal.
      expect(await store.listUsers({ search: "%", limit: 10 })).toEqual([]);
    });

    test("settings upsert", async () => {
      const { store, other } = get();
      const key = uniq("k");
      expect(await store.getSetting(key)).toBeUndefined();
      await store.setSetting(key, "one");
      await other.setSetting(key, "two");
      expect(await store.getSetting(key)).toBe("two");
    });

    test("set-up key per pending sign-in; confirmed once, from that key; each TOTP step used once", async () => {
      const { store, other } = get();
      const user = await addUser("totp");
      const one = challenge(user.id, { state: "setup_app" });
      const two = challenge(user.id, { state: "setup_app" });
      const verifying = challenge(user.id);
      for (const c of [one, two, verifying]) await store.createChallenge(c);
      // A key per pending sign-in, kept once set: racing first views agree on one.
      expect(await store.getChallengeSecret(one.idHash)).toBeUndefined();
      const firsts = await Promise.all([
        store.setChallengeSecret(one.idHash, "box-1a"),
        other.setChallengeSecret(one.idHash, "box-1b"),
      ]);
      expect(firsts[0]).toBe(firsts[1]);
      const boxOne = firsts[0]!;
      expect(await other.getChallengeSecret(one.idHash)).toBe(boxOne);
      expect(await store.setChallengeSecret(two.idHash, "box-2")).toBe("box-2");
      // Only at the set-up step, only on a live challenge.
      expect(await store.setChallengeSecret(verifying.idHash, "box-v")).toBeUndefined();
      expect(await store.setChallengeSecret(randomUUID(), "box-x")).toBeUndefined();
      expect(await store.getAuthenticator(user.id)).toBeUndefined();
      expect(await store.useTotpStep(user.id, 100)).toBe(false); // nothing confirmed yet

      const confirm = (s: Store, c: Challenge, secretBox: string, step = 100, now = NOW) =>
        s.confirmAuthenticator({ challengeIdHash: c.idHash, secretBox, step, now });
      // Not a key this challenge holds, a challenge at another step, an expired one: no.
      expect(await confirm(store, one, "box-2")).toBe(false);
      expect(await confirm(store, verifying, "box-v")).toBe(false);
      expect(await confirm(store, one, boxOne, 100, one.expiresAt)).toBe(false);
      expect(await store.getAuthenticator(user.id)).toBeUndefined();

      // Twenty racing Saves, across two instances and both sign-ins: one wins.
      const confirms = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 ? confirm(other, two, "box-2") : confirm(store, one, boxOne),
        ),
      );
      expect(confirms.filter(Boolean)).toHaveLength(1);
      const auth = await store.getAuthenticator(user.id);
      expect(auth).toMatchObject({ confirmedAt: NOW, lastStep: 100 });
      expect([boxOne, "box-2"]).toContain(auth?.secretBox);
      // Confirmed: no later Save replaces it, from either sign-in.
      expect(await confirm(store, one, boxOne, 200)).toBe(false);
      expect(await confirm(other, two, "box-2", 200)).toBe(false);
      expect(await store.getAuthenticator(user.id)).toEqual(auth);

      // RFC 6238 §5.2: twenty racing uses of one step, across two instances: one wins.
      const uses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).useTotpStep(user.id, 101)),
      );
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await store.useTotpStep(user.id, 101)).toBe(false);
      expect(await store.useTotpStep(user.id, 100)).toBe(false); // older after newer
      expect(await store.useTotpStep(user.id, 103)).toBe(true);
    });

    test("challenges: find unexpired, advance once, count wrong codes, take once", async () => {
      const { store, other } = get();
      const user = await addUser("ch");
      const c = challenge(user.id, { state: "change_password" });
      await store.createChallenge(c);
      expect(await other.findChallenge(c.idHash, NOW)).toEqual(c);
      expect(await store.findChallenge(c.idHash, c.expiresAt)).toBeUndefined();

      const nextIds = [randomUUID(), randomUUID()];
      const advanced = await Promise.all([
        store.advanceChallenge(c.idHash, "change_password", "verify", nextIds[0]!),
        other.advanceChallenge(c.idHash, "change_password", "verify", nextIds[1]!),
      ]);
      expect(advanced.filter(Boolean)).toHaveLength(1);
      expect(await store.findChallenge(c.idHash, NOW)).toBeUndefined();
      const moved = await store.findChallenge(nextIds[advanced.indexOf(true)]!, NOW);
      expect(moved?.state).toBe("verify");

      const id = moved!.idHash;
      const counts = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).addFailedCode(id)),
      );
      // Increments are atomic: six concurrent wrong codes count 1..6, none lost.
      expect([...counts].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await store.addFailedCode(randomUUID())).toBeUndefined();

      expect(await store.takeChallenge(id, "setup_app")).toBeUndefined();
      const takes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).takeChallenge(id, "verify")),
      );
      const won = takes.filter(Boolean);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ userId: user.id, failedCodes: 6 });
      expect(await store.findChallenge(id, NOW)).toBeUndefined();

      const d = challenge(user.id);
      await store.createChallenge(d);
      await other.deleteChallenge(d.idHash);
      expect(await store.findChallenge(d.idHash, NOW)).toBeUndefined();
    });

    test("code attempts are reserved atomically: of 30 racing on two instances, `max` get one", async () => {
      const { store, other } = get();
      const user = await addUser("attempts");
      const c = challenge(user.id);
      await store.createChallenge(c);
      const reserved = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? other : store).reserveCodeAttempt(c.idHash, 5),
        ),
      );
      expect(reserved.filter((n) => n !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await store.findChallenge(c.idHash, NOW))?.failedCodes).toBe(5);
      // A refund frees exactly one attempt again; it never goes below zero.
      await other.refundCodeAttempt(c.idHash);
      expect(await store.reserveCodeAttempt(c.idHash, 5)).toBe(5);
      expect(await store.reserveCodeAttempt(c.idHash, 5)).toBeUndefined();
      const d = challenge(user.id);
      await store.createChallenge(d);
      await store.refundCodeAttempt(d.idHash);
      expect((await store.findChallenge(d.idHash, NOW))?.failedCodes).toBe(0);
      expect(await store.reserveCodeAttempt(randomUUID(), 5)).toBeUndefined();
    });

    test("sessions: visible to every instance until deleted or expired", async () => {
      const { store, other } = get();
      const user = await addUser("sess");
      const s = { idHash: randomUUID(), userId: user.id, createdAt: NOW, expiresAt: NOW + 1000 };
      await store.createSession(s);
      expect(await other.findSession(s.idHash, NOW)).toEqual(s);
      expect(await other.findSession(s.idHash, NOW + 1000)).toBeUndefined();
      await other.deleteSession(s.idHash);
      expect(await store.findSession(s.idHash, NOW)).toBeUndefined();
    });

    test("forceNewPassword clears the authenticator, sessions and pending sign-ins of that user only", async () => {
      const { store, other } = get();
      const user = await addUser("force");
      const bystander = await addUser("bystander");
      for (const u of [user, bystander]) {
        await storeConfirmedAuthenticator(store, u.id, "box", 1, NOW);
      }
      const sessions = [user, bystander].map((u) => ({
        idHash: randomUUID(),
        userId: u.id,
        createdAt: NOW,
        expiresAt: NOW + 60_000,
      }));
      for (const s of sessions) await store.createSession(s);
      const pending = challenge(user.id);
      await store.createChallenge(pending);
      // A pending sign-in at set-up, whose key was shown: it goes too.
      const shown = challenge(user.id, { state: "setup_app" });
      await store.createChallenge(shown);
      await store.setChallengeSecret(shown.idHash, "box-shown");

      await other.forceNewPassword(user.id);
      expect(await store.getChallengeSecret(shown.idHash)).toBeUndefined();
      expect(
        await store.confirmAuthenticator({
          challengeIdHash: shown.idHash,
          secretBox: "box-shown",
          step: 5,
          now: NOW,
        }),
      ).toBe(false);

      expect(await store.getAuthenticator(user.id)).toBeUndefined();
      expect((await store.findUserById(user.id))?.mustChangePassword).toBe(true);
      expect(await store.findSession(sessions[0]!.idHash, NOW)).toBeUndefined();
      expect(await store.findChallenge(pending.idHash, NOW)).toBeUndefined();
      expect(await store.getAuthenticator(bystander.id)).toBeDefined();
      expect(await store.findSession(sessions[1]!.idHash, NOW)).toBeDefined();
    });

    test("audit: append-only log, newest first, filters and keyset paging", async () => {
      const { store, other } = get();
      const userId = randomUUID();
      for (let i = 0; i < 3; i++) {
        await (i % 2 ? other : store).appendAudit({
          type: "signin_failed",
          at: NOW + i,
          userId,
          ip: "192.0.2.1",
          detail: { i },
        });
      }
      await store.appendAudit({ type: "signin_ok", at: NOW + 9, userId });
      const all = await store.listAudit({ userId, limit: 10 });
      expect(all.map((e) => e.type)).toEqual([
        "signin_ok",
        "signin_failed",
        "signin_failed",
        "signin_failed",
      ]);
      expect(all[1]).toMatchObject({
        at: NOW + 2,
        ip: "192.0.2.1",
        detail: { i: 2 },
        actorId: null,
      });
      expect(typeof all[0]!.id).toBe("number");
      const failed = await store.listAudit({ userId, type: "signin_failed", limit: 1 });
      const older = await store.listAudit({ userId, limit: 10, beforeId: failed[0]!.id });
      expect(older.map((e) => e.detail)).toEqual([{ i: 1 }, { i: 0 }]);
      expect(await store.listAudit({ userId, since: NOW + 2, limit: 10 })).toHaveLength(2);
    });

    test("sweepExpired removes what expired, and two instances sweeping at once agree", async () => {
      const { store, other } = get();
      const user = await addUser("sweep");
      // Far in the future so rows of the other tests in this database are not counted.
      const T = NOW + 10 * 365 * 86400_000;
      for (let i = 0; i < 5; i++) {
        await store.createSession({
          idHash: randomUUID(),
          userId: user.id,
          createdAt: T,
          expiresAt: T + i,
        });
        await store.createChallenge(challenge(user.id, { createdAt: T, expiresAt: T + i }));
      }
      const live = { idHash: randomUUID(), userId: user.id, createdAt: T, expiresAt: T + 10_000 };
      await store.createSession(live);
      const before = await store.sweepExpired(T - 1);
      expect(before).toBeGreaterThanOrEqual(0);
      const [a, b] = await Promise.all([store.sweepExpired(T + 4), other.sweepExpired(T + 4)]);
      // Each expired row is deleted by exactly one of them.
      expect(a + b).toBe(10);
      expect(await store.sweepExpired(T + 4)).toBe(0);
      expect(await store.findSession(live.idHash, T + 5)).toBeDefined();
    });
  });
}
