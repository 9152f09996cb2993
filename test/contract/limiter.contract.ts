// One behaviour for every limiter backend (memory, SQLite, PostgreSQL, Redis).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
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
      expect(await l.hit(key)).toEqual({ allowed: true });
      expect(await l.hit(key)).toEqual({ allowed: true });
      const third = await l.hit(key);
      expect(third.allowed).toBe(false);
      const blocked = await l.check(key);
      expect(blocked.allowed).toBe(false);
      if (!blocked.allowed) {
        expect(blocked.retryAfterMs).toBeGreaterThan(100_000);
        expect(blocked.retryAfterMs).toBeLessThanOrEqual(120_000);
      }
      expect((await l.hit(key)).allowed).toBe(false);
      await l.reset(key);
      expect(await l.check(key)).toEqual({ allowed: true });
    });

    test("keys and limiter names are separate counters", async () => {
      const shared = `n${randomUUID().slice(0, 8)}`;
      const a = limiter(RULE, shared);
      const b = limiter(RULE, `${shared}x`);
      const key = randomUUID();
      for (let i = 0; i < 3; i++) await a.hit(key);
      expect((await a.check(key)).allowed).toBe(false);
      expect(await a.check(`${key}2`)).toEqual({ allowed: true });
      expect(await b.check(key)).toEqual({ allowed: true });
    });

    test("concurrent hits are all counted", async () => {
      const l = limiter({ points: 10, windowSeconds: 60, blockSeconds: 60 });
      const key = randomUUID();
      await Promise.all(Array.from({ length: 9 }, () => l.hit(key)));
      expect(await l.check(key)).toEqual({ allowed: true });
      expect((await l.hit(key)).allowed).toBe(false);
    });

    test("the window passes: a key below the limit starts again", async () => {
      const l = limiter({ points: 2, windowSeconds: 1, blockSeconds: 1 });
      const key = randomUUID();
      await l.hit(key);
      await sleep(1100);
      expect(await l.hit(key)).toEqual({ allowed: true });
    });

    if (options.shared) {
      test("two instances share the counters: hits alternate and block at the same count", async () => {
        const { backend, other } = get();
        expect(other).toBeDefined();
        const limiterName = `s${randomUUID().slice(0, 8)}`;
        const onA = createLimiter(limiterName, RULE, backend);
        const onB = createLimiter(limiterName, RULE, other!);
        const key = randomUUID();
        expect(await onA.hit(key)).toEqual({ allowed: true });
        expect(await onB.hit(key)).toEqual({ allowed: true });
        expect((await onA.hit(key)).allowed).toBe(false);
        expect((await onB.check(key)).allowed).toBe(false);
        await onB.reset(key);
        expect(await onA.check(key)).toEqual({ allowed: true });
      });
    }
  });
}
