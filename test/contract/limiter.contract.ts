// One behaviour for every limiter backend (memory, SQLite, PostgreSQL, Redis).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import {
  createEscalatingLimiter,
  type EscalatingLimiter,
  type EscalationRule,
} from "../../src/limits/escalating.js";
import { createLimiter, type LimitBackend, type LimitRule } from "../../src/limits/rate-limits.js";

export interface LimiterBackends {
  backend: LimitBackend;
  /** The same counters seen from another instance; undefined when they are per process. */
  other?: LimitBackend;
}

const RULE: LimitRule = { points: 3, windowSeconds: 60, blockSeconds: 120 };

export function limiterContract(
  name: string,
  get: () => LimiterBackends,
  options: { shared: boolean },
): void {
  describe(`Limiter contract: ${name}`, () => {
    const limiter = (rule = RULE, limiterName = `t${randomUUID().slice(0, 8)}`) =>
      createLimiter(limiterName, rule, get().backend);

    test("allows until the limit, blocks at it for blockSeconds, reset unblocks", async () => {
      const l = limiter();
      const key = randomUUID();
      expect(await l.check(key)).toEqual({ allowed: true });
      expect(await l.consume(key)).toEqual({ allowed: true });
      expect(await l.consume(key)).toEqual({ allowed: true });
      const third = await l.consume(key);
      expect(third.allowed && third.blockedForMs).toBeGreaterThan(0);
      const blocked = await l.check(key);
      expect(blocked.allowed).toBe(false);
      if (!blocked.allowed) {
        expect(blocked.retryAfterMs).toBeGreaterThan(100_000);
        expect(blocked.retryAfterMs).toBeLessThanOrEqual(120_000);
      }
      expect((await l.consume(key)).allowed).toBe(false);
      await l.reset(key);
      expect(await l.check(key)).toEqual({ allowed: true });
    });

    test("keys and limiter names are separate counters", async () => {
      const shared = `n${randomUUID().slice(0, 8)}`;
      const a = limiter(RULE, shared);
      const b = limiter(RULE, `${shared}x`);
      const key = randomUUID();
      for (let i = 0; i < 3; i++) await a.consume(key);
      expect((await a.check(key)).allowed).toBe(false);
      expect(await a.check(`${key}2`)).toEqual({ allowed: true });
      expect(await b.check(key)).toEqual({ allowed: true });
    });

    test("long keys (300 characters, non-ASCII) work and stay distinct", async () => {
      // e.g. "u:" + a 256-character username; PostgreSQL's rate_limits.key is varchar(255).
      const l = limiter();
      const stem = `u:${"é".repeat(40)}${randomUUID()}${"x".repeat(300)}`;
      const a = `${stem}a`;
      const b = `${stem}b`;
      expect(a.length).toBeGreaterThan(300);
      expect(await l.consume(a)).toEqual({ allowed: true });
      expect(await l.consume(a)).toEqual({ allowed: true });
      const last = await l.consume(a);
      expect(last.allowed).toBe(true);
      expect((await l.check(a)).allowed).toBe(false);
      // Same first 300 characters, another key: its own counter.
      expect(await l.check(b)).toEqual({ allowed: true });
      await l.refund(a, true);
      expect(await l.check(a)).toEqual({ allowed: true });
      await l.reset(a);
      for (let i = 0; i < 3; i++) await l.consume(b);
      expect((await l.check(b)).allowed).toBe(false);
      expect(await l.check(a)).toEqual({ allowed: true });
    });

    test("concurrent attempts are all counted", async () => {
      const l = limiter({ points: 10, windowSeconds: 60, blockSeconds: 60 });
      const key = randomUUID();
      await Promise.all(Array.from({ length: 9 }, () => l.consume(key)));
      expect(await l.check(key)).toEqual({ allowed: true });
      const tenth = await l.consume(key);
      expect(tenth.allowed && tenth.blockedForMs).toBeGreaterThan(0);
      expect((await l.check(key)).allowed).toBe(false);
    });

    test("consume counts before the work: the attempt taking the last point runs and blocks", async () => {
      const l = limiter();
      const key = randomUUID();
      expect(await l.consume(key)).toEqual({ allowed: true });
      expect(await l.consume(key)).toEqual({ allowed: true });
      const last = await l.consume(key);
      expect(last.allowed).toBe(true);
      const blockedFor = last.allowed ? last.blockedForMs : undefined;
      expect(blockedFor).toBeGreaterThan(100_000);
      expect(blockedFor).toBeLessThanOrEqual(120_000);
      expect((await l.check(key)).allowed).toBe(false);
      const refused = await l.consume(key);
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    test("concurrent consumes: exactly `points` are allowed, and one of them starts the block", async () => {
      const l = limiter({ points: 10, windowSeconds: 3600, blockSeconds: 60 });
      const key = randomUUID();
      const results = await Promise.all(Array.from({ length: 40 }, () => l.consume(key)));
      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(10);
      expect(allowed.filter((r) => r.allowed && r.blockedForMs !== undefined)).toHaveLength(1);
      for (const r of results) if (!r.allowed) expect(r.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect((await l.check(key)).allowed).toBe(false);
    });

    test("refund gives one attempt back; after a reset it leaves no spare attempt", async () => {
      const l = limiter();
      const key = randomUUID();
      await l.consume(key);
      await l.consume(key);
      await l.refund(key);
      expect(await l.consume(key)).toEqual({ allowed: true });
      expect((await l.consume(key)).allowed && (await l.check(key)).allowed).toBe(false);
      await l.reset(key);
      await l.refund(key); // a loser's refund arriving after the winner's reset
      expect(await l.consume(key)).toEqual({ allowed: true });
      expect(await l.consume(key)).toEqual({ allowed: true });
      const third = await l.consume(key);
      expect(third.allowed && third.blockedForMs).toBeGreaterThan(0);
    });

    test("refund of the attempt that started the block lifts it; any other refund does not", async () => {
      const l = limiter();
      const key = randomUUID();
      await l.consume(key);
      await l.consume(key);
      expect((await l.consume(key)).allowed).toBe(true);
      await l.refund(key); // not the one that blocked: the block stays
      expect((await l.check(key)).allowed).toBe(false);
      const other = randomUUID();
      await l.consume(other);
      await l.consume(other);
      const last = await l.consume(other);
      expect(last.allowed && last.blockedForMs).toBeGreaterThan(0);
      await l.refund(other, true);
      expect(await l.check(other)).toEqual({ allowed: true });
      // The two attempts before it still count: the next one is the last again.
      const again = await l.consume(other);
      expect(again.allowed && again.blockedForMs).toBeGreaterThan(0);
    });

    test("the window passes: a key below the limit starts again", async () => {
      const l = limiter({ points: 2, windowSeconds: 1, blockSeconds: 1 });
      const key = randomUUID();
      await l.consume(key);
      await sleep(1100);
      expect(await l.consume(key)).toEqual({ allowed: true });
    });

    if (options.shared) {
      test("two instances share the counters: attempts alternate and block at the same count", async () => {
        const { backend, other } = get();
        expect(other).toBeDefined();
        const limiterName = `s${randomUUID().slice(0, 8)}`;
        const onA = createLimiter(limiterName, RULE, backend);
        const onB = createLimiter(limiterName, RULE, other!);
        const key = randomUUID();
        expect(await onA.consume(key)).toEqual({ allowed: true });
        expect(await onB.consume(key)).toEqual({ allowed: true });
        const third = await onA.consume(key);
        expect(third.allowed && third.blockedForMs).toBeGreaterThan(0);
        expect((await onB.check(key)).allowed).toBe(false);
        await onB.reset(key);
        expect(await onA.check(key)).toEqual({ allowed: true });
      });

      test("two instances share consumes: racing on both, `points` attempts in all", async () => {
        const { backend, other } = get();
        const limiterName = `c${randomUUID().slice(0, 8)}`;
        const rule = { points: 10, windowSeconds: 60, blockSeconds: 60 };
        const onA = createLimiter(limiterName, rule, backend);
        const onB = createLimiter(limiterName, rule, other!);
        const key = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 ? onA : onB).consume(key)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(10);
      });
    }
  });
}

// The escalating second-factor lock on the same backends, with seconds-long blocks so a
// block can pass during the test: 3 per block, blocks of 1 s then 2 s, locked at 6.
const ESCALATION: EscalationRule = {
  failuresPerBlock: 3,
  firstBlockSeconds: 1,
  maxBlockSeconds: 2,
  cap: 6,
  rememberSeconds: 60,
};

/** Waits (polling, not a fixed sleep) until the running block has passed. */
async function blockPassed(lock: EscalatingLimiter, key: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await lock.check(key)).allowed === false) {
    if (Date.now() > deadline) throw new Error("the block did not pass within 10 s");
    await sleep(100);
  }
}

export function escalatingContract(
  name: string,
  get: () => LimiterBackends,
  options: { shared: boolean },
): void {
  describe(`Escalating lock contract: ${name}`, () => {
    const lockOn = (backend: LimitBackend, lockName: string) =>
      createEscalatingLimiter(lockName, ESCALATION, backend);
    const fresh = () => lockOn(get().backend, `e${randomUUID().slice(0, 8)}`);

    test("blocks grow, the count survives a block, reset forgets it", async () => {
      const lock = fresh();
      const key = randomUUID();
      expect(await lock.consume(key)).toEqual({ allowed: true });
      expect(await lock.consume(key)).toEqual({ allowed: true });
      expect(await lock.consume(key)).toEqual({
        allowed: true,
        startedBlock: 1,
        blockedForMs: 1000,
      });
      const blocked = await lock.consume(key);
      expect(blocked).toMatchObject({ allowed: false, lock: "temporary" });
      await blockPassed(lock, key);
      expect(await lock.consume(key)).toEqual({ allowed: true });
      expect(await lock.consume(key)).toEqual({ allowed: true });
      // The sixth consecutive failure: the cap here.
      expect(await lock.consume(key)).toEqual({ allowed: true, startedBlock: 2, reachedCap: true });
      expect(await lock.check(key)).toEqual({ allowed: false, lock: "permanent" });
      await lock.reset(key);
      expect(await lock.check(key)).toEqual({ allowed: true });
    });

    test("the second block is longer than the first", async () => {
      const lock = createEscalatingLimiter(
        `g${randomUUID().slice(0, 8)}`,
        { ...ESCALATION, cap: 9 },
        get().backend,
      );
      const key = randomUUID();
      for (let i = 0; i < 3; i++) await lock.consume(key);
      await blockPassed(lock, key);
      await lock.consume(key);
      await lock.consume(key);
      expect(await lock.consume(key)).toEqual({
        allowed: true,
        startedBlock: 2,
        blockedForMs: 2000,
      });
      const state = await lock.check(key);
      if (state.allowed || state.lock !== "temporary") throw new Error("expected a block");
      expect(state.retryAfterMs).toBeGreaterThan(1000);
      expect(state.retryAfterMs).toBeLessThanOrEqual(2000);
    });

    test("50 racing at the last attempt before a block: one runs, and it starts the block", async () => {
      const lock = fresh();
      const key = randomUUID();
      await lock.consume(key);
      await lock.consume(key);
      const results = await Promise.all(Array.from({ length: 50 }, () => lock.consume(key)));
      expect(results.filter((r) => r.allowed)).toEqual([
        { allowed: true, startedBlock: 1, blockedForMs: 1000 },
      ]);
    });

    test("50 racing at the last attempt before the cap: one runs, and it locks", async () => {
      const lock = fresh();
      const key = randomUUID();
      for (let i = 0; i < 3; i++) await lock.consume(key);
      await blockPassed(lock, key);
      await lock.consume(key);
      await lock.consume(key);
      const results = await Promise.all(Array.from({ length: 50 }, () => lock.consume(key)));
      expect(results.filter((r) => r.allowed)).toEqual([
        { allowed: true, startedBlock: 2, reachedCap: true },
      ]);
      // Racers refused before the lock was written were told "temporary"; from now on:
      expect(await lock.consume(key)).toEqual({ allowed: false, lock: "permanent" });
    });

    test("the refund of the attempt that blocked lifts it; another refund does not", async () => {
      const lock = fresh();
      const key = randomUUID();
      await lock.consume(key);
      await lock.consume(key);
      const third = await lock.consume(key);
      expect(third).toMatchObject({ startedBlock: 1 });
      await lock.refund(key);
      expect((await lock.check(key)).allowed).toBe(false);
      await lock.refund(key, 1);
      expect(await lock.check(key)).toEqual({ allowed: true });
      expect(await lock.consume(key)).toMatchObject({ startedBlock: 1 });
    });

    if (options.shared) {
      test("two instances share the lock: racing on both, one runs; the cap shows on both", async () => {
        const { backend, other } = get();
        const lockName = `x${randomUUID().slice(0, 8)}`;
        const onA = lockOn(backend, lockName);
        const onB = lockOn(other!, lockName);
        const key = randomUUID();
        await onA.consume(key);
        await onB.consume(key);
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 ? onA : onB).consume(key)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(1);
        await blockPassed(onB, key);
        await onA.consume(key);
        await onB.consume(key);
        expect(await onA.consume(key)).toMatchObject({ reachedCap: true });
        expect(await onB.check(key)).toEqual({ allowed: false, lock: "permanent" });
        await onB.reset(key);
        expect(await onA.check(key)).toEqual({ allowed: true });
      });
    }
  });
}
