// One behaviour for every Stores adapter: the same cases run on SQLite and PostgreSQL
// (store.test.ts). Single-use rules are raced, since that is what several instances do.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { Flow } from "../../src/core/ports/flows.js";
import type { Amr } from "../../src/core/ports/sessions.js";
import type { Stores } from "../../src/core/ports/stores.js";
import type { NewUser } from "../../src/core/ports/users.js";
import { storeConfirmedAuthenticator } from "../support/authenticator.js";
import { flowRow } from "../support/flows.js";

export interface StoreUnderTest {
  store: Stores;
  ping(): Promise<void>;
  /** A second store on the same database (another instance); the same one for SQLite :memory:. */
  other: Stores;
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
  describe(`Stores contract: ${name}`, () => {
    const addUser = async (base: string, extra: Partial<NewUser> = {}) => {
      const user = await get().store.users.create(newUser(uniq(base), extra), randomUUID(), NOW);
      if (!user) throw new Error("createUser refused a fresh username");
      return user;
    };
    const flow = (userId: string, over: Partial<Flow> = {}): Flow => flowRow(userId, over, NOW);

    test("ping answers", async () => {
      await expect(get().ping()).resolves.toBeUndefined();
    });

    test("users: create, find, duplicate username refused, patch, booleans and times", async () => {
      const { store, other } = get();
      const user = await addUser("alice", { email: "a@example.test", mustChangePassword: true });
      expect(user).toMatchObject({ role: "user", mustChangePassword: true, active: true });
      expect(user.createdAt).toBe(NOW);
      expect(typeof user.createdAt).toBe("number");
      expect(await other.users.findByUsername(user.username)).toEqual(user);
      expect(await store.users.findById(user.id)).toEqual(user);
      expect(await store.users.findByUsername(`${user.username}x`)).toBeUndefined();
      expect(await store.users.create(newUser(user.username), randomUUID(), NOW)).toBeUndefined();

      await store.users.update(user.id, {
        phone: "+447700900123",
        role: "supervisor",
        active: false,
      });
      await store.users.setPassword(user.id, "$argon2id$new", false);
      await store.users.recordSignIn(user.id, NOW + 5);
      expect(await other.users.findById(user.id)).toMatchObject({
        phone: "+447700900123",
        role: "supervisor",
        active: false,
        passwordHash: "$argon2id$new",
        mustChangePassword: false,
        lastSignInAt: NOW + 5,
        locale: null,
      });
      // Issue 12: the user's language, chosen and cleared (back to the browser's).
      await store.users.update(user.id, { locale: "de" });
      expect((await other.users.findById(user.id))?.locale).toBe("de");
      await store.users.update(user.id, { locale: null });
      expect((await other.users.findById(user.id))?.locale).toBeNull();
    });

    test("two instances creating one username at once: exactly one wins", async () => {
      const { store, other } = get();
      const username = uniq("race");
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : store).users.create(newUser(username), randomUUID(), NOW),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test("users.search pages by username and searches by prefix of username or email", async () => {
      const { store } = get();
      const tag = `ls${randomUUID().slice(0, 6)}`;
      for (const n of ["c", "a", "b"])
        await store.users.create(newUser(`${tag}_${n}`), randomUUID(), NOW);
      await store.users.create(
        newUser(`zz${tag}`, { email: `${tag.toUpperCase()}@example.test` }),
        randomUUID(),
        NOW,
      );
      const page1 = await store.users.search({ prefix: tag, limit: 2 });
      expect(page1.map((u) => u.username)).toEqual([`${tag}_a`, `${tag}_b`]);
      const page2 = await store.users.search({ prefix: tag, limit: 10, after: `${tag}_b` });
      expect(page2.map((u) => u.username)).toEqual([`${tag}_c`, `zz${tag}`]);
      // LIKE wildcards in the search are literal.
      expect(await store.users.search({ prefix: "%", limit: 10 })).toEqual([]);
    });

    test("settings upsert", async () => {
      const { store, other } = get();
      const key = uniq("k");
      expect(await store.settings.get(key)).toBeUndefined();
      await store.settings.set(key, "one");
      await other.settings.set(key, "two");
      expect(await store.settings.get(key)).toBe("two");
      // Several keys in one read: the ones set, nothing for the others.
      const many = await other.settings.getMany([key, `${key}-unset`]);
      expect([...many]).toEqual([[key, "two"]]);
    });

    test("set-up key per pending sign-in; confirmed once, from that key; each TOTP step used once", async () => {
      const { store, other } = get();
      const user = await addUser("totp");
      const one = flow(user.id, { state: "setup_app" });
      const two = flow(user.id, { state: "setup_app" });
      const verifying = flow(user.id);
      for (const c of [one, two, verifying]) await store.flows.create(c);
      // A key per pending sign-in, kept once set: racing first views agree on one.
      expect(await store.flows.getSetupKey(one.idHash)).toBeUndefined();
      const firsts = await Promise.all([
        store.flows.setSetupKey(one.idHash, "box-1a"),
        other.flows.setSetupKey(one.idHash, "box-1b"),
      ]);
      expect(firsts[0]).toBe(firsts[1]);
      const boxOne = firsts[0]!;
      expect(await other.flows.getSetupKey(one.idHash)).toBe(boxOne);
      expect(await store.flows.setSetupKey(two.idHash, "box-2")).toBe("box-2");
      // Only at the set-up step, only on a live challenge.
      expect(await store.flows.setSetupKey(verifying.idHash, "box-v")).toBeUndefined();
      expect(await store.flows.setSetupKey(randomUUID(), "box-x")).toBeUndefined();
      expect(await store.authenticators.get(user.id)).toBeUndefined();
      expect(await store.authenticators.useStep(user.id, 100)).toBe(false); // nothing confirmed yet

      const confirm = (s: Stores, c: Flow, secretBox: string, step = 100, now = NOW) =>
        s.authenticators.confirm({ flowIdHash: c.idHash, secretBox, step, now });
      // Not a key this challenge holds, a challenge at another step, an expired one: no.
      expect(await confirm(store, one, "box-2")).toBe(false);
      expect(await confirm(store, verifying, "box-v")).toBe(false);
      expect(await confirm(store, one, boxOne, 100, one.expiresAt)).toBe(false);
      expect(await store.authenticators.get(user.id)).toBeUndefined();

      // Twenty racing Saves, across two instances and both sign-ins: one wins.
      const confirms = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 ? confirm(other, two, "box-2") : confirm(store, one, boxOne),
        ),
      );
      expect(confirms.filter(Boolean)).toHaveLength(1);
      const auth = await store.authenticators.get(user.id);
      expect(auth).toMatchObject({ confirmedAt: NOW, lastStep: 100 });
      expect([boxOne, "box-2"]).toContain(auth?.secretBox);
      // Confirmed: no later Save replaces it, from either sign-in.
      expect(await confirm(store, one, boxOne, 200)).toBe(false);
      expect(await confirm(other, two, "box-2", 200)).toBe(false);
      expect(await store.authenticators.get(user.id)).toEqual(auth);

      // RFC 6238 §5.2: twenty racing uses of one step, across two instances: one wins.
      const uses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).authenticators.useStep(user.id, 101),
        ),
      );
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await store.authenticators.useStep(user.id, 101)).toBe(false);
      expect(await store.authenticators.useStep(user.id, 100)).toBe(false); // older after newer
      expect(await store.authenticators.useStep(user.id, 103)).toBe(true);

      // Steps refused as from ahead of time (issue 13): on the row the factor reads anyway.
      expect((await store.authenticators.get(user.id))?.refusedSteps).toEqual([]);
      await store.authenticators.refuseStep(user.id, 120, 100);
      await other.authenticators.refuseStep(user.id, 110, 100);
      await store.authenticators.refuseStep(user.id, 120, 100); // once
      expect((await other.authenticators.get(user.id))?.refusedSteps).toEqual([110, 120]);
      // Twenty concurrent refusals of other steps, across two instances: none is lost.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).authenticators.refuseStep(user.id, 130 + i, 100),
        ),
      );
      const refused = (await store.authenticators.get(user.id))?.refusedSteps;
      expect(refused).toEqual([110, 120, ...Array.from({ length: 20 }, (_, i) => 130 + i)]);
      // Steps that can no longer come due are dropped with the next refusal.
      await store.authenticators.refuseStep(user.id, 160, 125);
      expect((await store.authenticators.get(user.id))?.refusedSteps).toEqual([
        ...Array.from({ length: 20 }, (_, i) => 130 + i),
        160,
      ]);
      // Nothing without a confirmed authenticator.
      const none = await addUser("norefuse");
      await store.authenticators.refuseStep(none.id, 120, 100);
      expect(await store.authenticators.get(none.id)).toBeUndefined();
    });

    test("challenges: find unexpired, advance once, count wrong codes, take once", async () => {
      const { store, other } = get();
      const user = await addUser("ch");
      const c = flow(user.id, { state: "change_password" });
      await store.flows.create(c);
      expect(await other.flows.find(c.idHash, NOW)).toEqual(c);
      expect(await store.flows.find(c.idHash, c.expiresAt)).toBeUndefined();

      const nextIds = [randomUUID(), randomUUID()];
      const advanced = await Promise.all([
        store.flows.advance(c.idHash, "change_password", "verify", nextIds[0]!),
        other.flows.advance(c.idHash, "change_password", "verify", nextIds[1]!),
      ]);
      expect(advanced.filter(Boolean)).toHaveLength(1);
      expect(await store.flows.find(c.idHash, NOW)).toBeUndefined();
      const moved = await store.flows.find(nextIds[advanced.indexOf(true)]!, NOW);
      expect(moved?.state).toBe("verify");

      const id = moved!.idHash;
      const counts = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).flows.reserveAttempt(id, 100)),
      );
      // Increments are atomic: six concurrent wrong codes count 1..6, none lost.
      expect([...counts].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await store.flows.reserveAttempt(randomUUID(), 100)).toBeUndefined();

      expect(await store.flows.take(id, "setup_app")).toBeUndefined();
      const takes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).flows.take(id, "verify")),
      );
      const won = takes.filter(Boolean);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ userId: user.id, failedCodes: 6 });
      expect(await store.flows.find(id, NOW)).toBeUndefined();

      const d = flow(user.id);
      await store.flows.create(d);
      await other.flows.delete(d.idHash);
      expect(await store.flows.find(d.idHash, NOW)).toBeUndefined();
    });

    test("code attempts are reserved atomically: of 30 racing on two instances, `max` get one", async () => {
      const { store, other } = get();
      const user = await addUser("attempts");
      const c = flow(user.id);
      await store.flows.create(c);
      const reserved = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? other : store).flows.reserveAttempt(c.idHash, 5),
        ),
      );
      expect(reserved.filter((n) => n !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await store.flows.find(c.idHash, NOW))?.failedCodes).toBe(5);
      // A refund frees exactly one attempt again; it never goes below zero.
      await other.flows.refundAttempt(c.idHash);
      expect(await store.flows.reserveAttempt(c.idHash, 5)).toBe(5);
      expect(await store.flows.reserveAttempt(c.idHash, 5)).toBeUndefined();
      const d = flow(user.id);
      await store.flows.create(d);
      await store.flows.refundAttempt(d.idHash);
      expect((await store.flows.find(d.idHash, NOW))?.failedCodes).toBe(0);
      expect(await store.flows.reserveAttempt(randomUUID(), 5)).toBeUndefined();
    });

    test("sessions: visible to every instance until deleted or expired", async () => {
      const { store, other } = get();
      const user = await addUser("sess");
      const s = {
        idHash: randomUUID(),
        userId: user.id,
        createdAt: NOW,
        expiresAt: NOW + 1000,
        authTime: NOW,
        amr: ["pwd", "otp"] as Amr[],
      };
      await store.sessions.create(s);
      // Issue 14: a new session was last used when it began.
      expect(await other.sessions.find(s.idHash, NOW)).toEqual({ ...s, lastSeenAt: NOW });
      expect(await other.sessions.find(s.idHash, NOW + 1000)).toBeUndefined();
      // A step-up records the fresh proof; a gone session is not revived.
      expect(await other.sessions.reprove(s.idHash, NOW + 500, ["pwd", "sms"])).toBe(true);
      expect(await store.sessions.find(s.idHash, NOW)).toMatchObject({
        authTime: NOW + 500,
        amr: ["pwd", "sms"],
      });
      expect(await store.sessions.reprove(randomUUID(), NOW, ["pwd"])).toBe(false);
      await other.sessions.delete(s.idHash);
      expect(await store.sessions.find(s.idHash, NOW)).toBeUndefined();
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
        authTime: NOW,
        amr: ["pwd" as const],
      }));
      for (const s of sessions) await store.sessions.create(s);
      const pending = flow(user.id);
      await store.flows.create(pending);
      // A pending sign-in at set-up, whose key was shown: it goes too.
      const shown = flow(user.id, { state: "setup_app" });
      await store.flows.create(shown);
      await store.flows.setSetupKey(shown.idHash, "box-shown");

      await other.users.forceNewPassword(user.id, { at: NOW, byId: null });
      expect(await store.flows.getSetupKey(shown.idHash)).toBeUndefined();
      expect(
        await store.authenticators.confirm({
          flowIdHash: shown.idHash,
          secretBox: "box-shown",
          step: 5,
          now: NOW,
        }),
      ).toBe(false);

      expect(await store.authenticators.get(user.id)).toBeUndefined();
      expect((await store.users.findById(user.id))?.mustChangePassword).toBe(true);
      expect(await store.sessions.find(sessions[0]!.idHash, NOW)).toBeUndefined();
      expect(await store.flows.find(pending.idHash, NOW)).toBeUndefined();
      expect(await store.authenticators.get(bystander.id)).toBeDefined();
      expect(await store.sessions.find(sessions[1]!.idHash, NOW)).toBeDefined();
    });

    test("audit: append-only log, newest first, filters and keyset paging", async () => {
      const { store, other } = get();
      const userId = randomUUID();
      for (let i = 0; i < 3; i++) {
        await (i % 2 ? other : store).audit.append({
          type: "signin_failed",
          at: NOW + i,
          userId,
          ip: "192.0.2.1",
          detail: { i },
        });
      }
      await store.audit.append({ type: "signin_ok", at: NOW + 9, userId });
      const all = await store.audit.list({ userId, limit: 10 });
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
      const failed = await store.audit.list({ userId, type: "signin_failed", limit: 1 });
      const older = await store.audit.list({ userId, limit: 10, beforeId: failed[0]!.id });
      expect(older.map((e) => e.detail)).toEqual([{ i: 1 }, { i: 0 }]);
      expect(await store.audit.list({ userId, since: NOW + 2, limit: 10 })).toHaveLength(2);
      // A time range: at >= since and at < until.
      const range = await store.audit.list({ userId, since: NOW + 1, until: NOW + 9, limit: 10 });
      expect(range.map((e) => e.detail)).toEqual([{ i: 2 }, { i: 1 }]);
    });

    test("deleteExpired removes what expired, and two instances sweeping at once agree", async () => {
      const { store, other } = get();
      const user = await addUser("sweep");
      // Far in the future so rows of the other tests in this database are not counted.
      const T = NOW + 10 * 365 * 86400_000;
      for (let i = 0; i < 5; i++) {
        await store.sessions.create({
          idHash: randomUUID(),
          userId: user.id,
          createdAt: T,
          expiresAt: T + i,
          authTime: NOW,
          amr: ["pwd"],
        });
        await store.flows.create(flow(user.id, { createdAt: T, expiresAt: T + i }));
      }
      const live = {
        idHash: randomUUID(),
        userId: user.id,
        createdAt: T,
        expiresAt: T + 10_000,
        authTime: T,
        amr: ["pwd" as const],
      };
      await store.sessions.create(live);
      const sweep = async (s: Stores, at: number) =>
        (await s.sessions.deleteExpired(at)) + (await s.flows.deleteExpired(at));
      const before = await sweep(store, T - 1);
      expect(before).toBeGreaterThanOrEqual(0);
      const [a, b] = await Promise.all([sweep(store, T + 4), sweep(other, T + 4)]);
      // Each expired row is deleted by exactly one of them.
      expect(a + b).toBe(10);
      expect(await sweep(store, T + 4)).toBe(0);
      expect(await store.sessions.find(live.idHash, T + 5)).toBeDefined();
    });

    // Issue 14: the outbox, idle sessions, the authenticator's record, joined transactions.

    test("outbox: queued in a transaction commits with it or not at all; two senders claim each message once", async () => {
      const { store, other } = get();
      const mark = uniq("ob");
      const message = (i: number) => ({
        kind: "test",
        userId: null,
        channel: "email" as const,
        to: `${mark}-${i}@example.test`,
        subject: "s",
        text: "t",
      });
      await expect(
        store.atomically(async (tx) => {
          await tx.outbox.enqueue(message(-1), NOW);
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      for (let i = 0; i < 10; i++) {
        await store.atomically((tx) => tx.outbox.enqueue(message(i), NOW));
      }
      const mine = <M extends { to: string }>(ms: M[]) => ms.filter((m) => m.to.startsWith(mark));
      expect(mine(await other.outbox.pending())).toHaveLength(10);
      const [a, b] = await Promise.all([
        store.outbox.claimDue(NOW, 60_000, 100),
        other.outbox.claimDue(NOW, 60_000, 100),
      ]);
      const claimed = [...mine(a), ...mine(b)].map((m) => m.to).sort();
      expect(claimed).toEqual([...Array(10).keys()].map((i) => `${mark}-${i}@example.test`).sort());
      // Held while the lease runs; free again after it, or after a failure.
      expect(mine(await store.outbox.claimDue(NOW + 59_000, 60_000, 100))).toEqual([]);
      const first = mine(a)[0] ?? mine(b)[0]!;
      await other.outbox.retryLater(first.id, NOW + 120_000, "smtp 451");
      expect(mine(await store.outbox.claimDue(NOW + 61_000, 60_000, 100))).toHaveLength(9);
      const again = mine(await store.outbox.claimDue(NOW + 200_000, 60_000, 100));
      expect(again.find((m) => m.id === first.id)).toMatchObject({ attempts: 1 });
      for (const m of mine(await store.outbox.pending())) await store.outbox.remove(m.id);
      expect(mine(await other.outbox.pending())).toEqual([]);
    });

    test("sessions: the last use is recorded; idle ones are not listed and are swept", async () => {
      const { store, other } = get();
      const user = await addUser("idle");
      const T = NOW + 20 * 365 * 86400_000;
      const session = (lastSeenAt: number) => ({
        idHash: randomUUID(),
        userId: user.id,
        createdAt: T,
        expiresAt: T + 12 * 3600_000,
        authTime: T,
        amr: ["pwd" as const],
        lastSeenAt,
      });
      const idle = session(T);
      const used = session(T);
      await store.sessions.create(idle);
      await store.sessions.create(used);
      await other.sessions.touch(used.idHash, T + 1_000_000);
      expect((await store.sessions.find(used.idHash, T + 1))?.lastSeenAt).toBe(T + 1_000_000);
      // At T + 30 minutes with a 30-minute idle timeout, last seen at T or before is idle.
      const cutoff = T;
      const listed = await store.sessions.listForUser(user.id, T + 1800_000, cutoff);
      expect(listed.map((s) => s.idHash)).toEqual([used.idHash]);
      expect(await other.sessions.deleteExpired(T + 1800_000, cutoff)).toBeGreaterThanOrEqual(1);
      expect(await store.sessions.find(idle.idHash, T + 1)).toBeUndefined();
      expect(await store.sessions.find(used.idHash, T + 1)).toBeDefined();
    });

    test("forceNewPassword keeps the removed authenticator's record: when added, removed, by whom", async () => {
      const { store, other } = get();
      const user = await addUser("hist");
      const admin = await addUser("histadmin");
      await storeConfirmedAuthenticator(store, user.id, "box-h", 3, NOW - 5000);
      await other.users.forceNewPassword(user.id, { at: NOW, byId: admin.id });
      expect(await store.authenticators.get(user.id)).toBeUndefined();
      expect(await store.authenticators.history(user.id)).toEqual([
        {
          createdAt: NOW - 5000,
          confirmedAt: NOW - 5000,
          removedAt: NOW,
          removedBy: admin.id,
          reason: "force_new_password",
        },
      ]);
    });

    test("a Save inside a transaction: a lost race leaves its flow, the transaction usable", async () => {
      const { store } = get();
      const user = await addUser("savetx");
      const withBox = (box: string) => ({
        ...flow(user.id, { state: "setup_app" }),
        setupBox: box,
      });
      const one = withBox("box-one");
      const two = withBox("box-two");
      for (const f of [one, two]) {
        await store.flows.create(f);
        await store.flows.setSetupKey(f.idHash, f.setupBox);
      }
      const save = (f: typeof one) =>
        store.atomically(async (tx) => {
          const won = await tx.authenticators.confirm({
            flowIdHash: f.idHash,
            secretBox: f.setupBox,
            step: 9,
            now: NOW,
          });
          // The transaction goes on after a lost Save (PostgreSQL: a savepoint).
          await tx.settings.set(`savetx-${f.setupBox}`, String(won));
          return won;
        });
      expect(await save(one)).toBe(true);
      expect(await save(two)).toBe(false);
      expect(await store.flows.getSetupKey(two.idHash)).toBe("box-two");
      expect(await store.settings.get("savetx-box-two")).toBe("false");
      expect((await store.authenticators.get(user.id))?.secretBox).toBe("box-one");
    });
  });
}
