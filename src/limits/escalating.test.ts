import SQLite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  blockSeconds,
  checkEscalationRule,
  createEscalatingLimiter,
  DEFAULT_ESCALATION,
  type EscalatingLimiter,
  type LockReservation,
} from "./escalating.js";
import type { LimitBackend } from "./rate-limits.js";

const RULE = DEFAULT_ESCALATION;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const backends: [string, () => LimitBackend][] = [
  ["memory", () => ({ kind: "memory" })],
  ["sqlite", () => ({ kind: "sqlite", client: new SQLite(":memory:") })],
];

describe("block schedule", () => {
  it("15 min, 1 h, 4 h, 16 h, then 24 h", () => {
    const hours = [1, 2, 3, 4, 5, 6, 9].map((b) => blockSeconds(RULE, b) / 3600);
    expect(hours).toEqual([0.25, 1, 4, 16, 24, 24, 24]);
  });

  it("refuses rules that cannot work", () => {
    const bad = [
      { cap: 95 }, // not a multiple of the block size
      { maxBlockSeconds: 60 }, // below the first block
      { rememberSeconds: 30 * 86_400 }, // past Node's timer range
      { failuresPerBlock: 0 },
    ];
    for (const change of bad) expect(() => checkEscalationRule({ ...RULE, ...change })).toThrow();
    expect(() => checkEscalationRule(RULE)).not.toThrow();
  });
});

describe.each(backends)("escalating second-factor lock (%s)", (_name, backend) => {
  let lock: EscalatingLimiter;
  let n = 0;

  beforeEach(() => {
    lock = createEscalatingLimiter(`esc${n++}`, RULE, backend());
    // rate-limiter-flexible reads Date.now() and sets timers; both are faked here.
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** `count` wrong codes in a row; returns the last reservation. */
  const fail = async (key: string, count: number): Promise<LockReservation> => {
    let last: LockReservation = { allowed: true };
    for (let i = 0; i < count; i++) {
      last = await lock.consume(key);
      expect(last.allowed).toBe(true);
    }
    return last;
  };

  /** Lets the running block pass: the check says how long it has left. */
  const waitOut = async (key: string): Promise<void> => {
    const state = await lock.check(key);
    if (state.allowed || state.lock === "permanent") throw new Error("no temporary block");
    vi.advanceTimersByTime(state.retryAfterMs + 1000);
    expect(await lock.check(key)).toEqual({ allowed: true });
  };

  it("the 10th wrong code still runs and starts a 15-minute block; the 11th waits", async () => {
    for (let i = 0; i < 9; i++) expect(await lock.consume("k")).toEqual({ allowed: true });
    expect(await lock.consume("k")).toEqual({
      allowed: true,
      startedBlock: 1,
      blockedForMs: 15 * MINUTE,
    });
    expect(await lock.check("k")).toEqual({
      allowed: false,
      lock: "temporary",
      retryAfterMs: 15 * MINUTE,
    });
    vi.advanceTimersByTime(5 * MINUTE);
    expect(await lock.consume("k")).toEqual({
      allowed: false,
      lock: "temporary",
      retryAfterMs: 10 * MINUTE,
    });
  });

  it("blocks grow while failures continue, and the count survives each block", async () => {
    const started: (number | undefined)[] = [];
    const lengths: (number | undefined)[] = [];
    for (let block = 1; block <= 6; block++) {
      const last = await fail("k", 10);
      if (!last.allowed) throw new Error("refused");
      started.push(last.startedBlock);
      lengths.push(last.blockedForMs);
      vi.advanceTimersByTime((last.blockedForMs ?? 0) - 1000);
      expect((await lock.consume("k")).allowed).toBe(false); // one second before its end
      await waitOut("k");
    }
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lengths).toEqual([15 * MINUTE, HOUR, 4 * HOUR, 16 * HOUR, DAY, DAY]);
  });

  it("at 100 consecutive failures the lock is permanent until reset", async () => {
    for (let block = 1; block <= 9; block++) {
      await fail("k", 10);
      await waitOut("k");
    }
    await fail("k", 9);
    expect(await lock.consume("k")).toEqual({ allowed: true, startedBlock: 10, reachedCap: true });
    expect(await lock.check("k")).toEqual({ allowed: false, lock: "permanent" });
    vi.advanceTimersByTime(365 * DAY);
    expect(await lock.check("k")).toEqual({ allowed: false, lock: "permanent" });
    expect(await lock.consume("k")).toEqual({ allowed: false, lock: "permanent" });
    // A supervisor's unlock or Force New Password: a fresh start, first block 15 min again.
    await lock.reset("k");
    expect(await lock.check("k")).toEqual({ allowed: true });
    expect(await fail("k", 10)).toMatchObject({ startedBlock: 1, blockedForMs: 15 * MINUTE });
  });

  it("a correct code (reset) starts the count again", async () => {
    await fail("k", 10);
    await waitOut("k");
    await fail("k", 5);
    await lock.reset("k");
    expect(await fail("k", 9)).toEqual({ allowed: true });
    expect(await lock.consume("k")).toMatchObject({ startedBlock: 1 });
  });

  it("a refund gives one attempt back; the refund of the attempt that blocked lifts it", async () => {
    await fail("k", 5);
    await lock.refund("k");
    expect(await fail("k", 5)).toEqual({ allowed: true }); // 9 counted, not 10
    const tenth = await lock.consume("k");
    expect(tenth).toMatchObject({ startedBlock: 1 });
    await lock.refund("k"); // an earlier attempt's refund, not the one that blocked
    expect((await lock.check("k")).allowed).toBe(false);
    await lock.refund("k", 1);
    expect(await lock.check("k")).toEqual({ allowed: true });
    // Nine still count, and the block number was given back too.
    expect(await lock.consume("k")).toMatchObject({ startedBlock: 1, blockedForMs: 15 * MINUTE });
  });

  it("the refund of the attempt that reached the cap lifts the permanent lock", async () => {
    for (let block = 1; block <= 9; block++) {
      await fail("k", 10);
      await waitOut("k");
    }
    const last = await fail("k", 10);
    expect(last).toMatchObject({ startedBlock: 10, reachedCap: true });
    await lock.refund("k", 10);
    expect(await lock.check("k")).toEqual({ allowed: true });
    expect(await lock.consume("k")).toMatchObject({ startedBlock: 10, reachedCap: true });
  });

  it("a refund after a reset leaves no spare attempt", async () => {
    await fail("k", 10);
    await lock.reset("k");
    await lock.refund("k", 1); // a loser's refund arriving after the winner's reset
    expect(await fail("k", 9)).toEqual({ allowed: true });
    expect(await lock.consume("k")).toMatchObject({ startedBlock: 1 });
  });

  it("50 racing at the 9th failure: one is checked, and it starts the block", async () => {
    await fail("k", 9);
    const results = await Promise.all(Array.from({ length: 50 }, () => lock.consume("k")));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toEqual([{ allowed: true, startedBlock: 1, blockedForMs: 15 * MINUTE }]);
    for (const r of results) if (!r.allowed) expect(r.lock).toBe("temporary");
  });

  it("50 racing on a fresh key: exactly 10 are checked", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => lock.consume("k")));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => r.allowed && r.startedBlock === 1)).toHaveLength(1);
  });

  it("50 racing at the 99th failure: one is checked, and it reaches the cap", async () => {
    for (let block = 1; block <= 9; block++) {
      await fail("k", 10);
      await waitOut("k");
    }
    await fail("k", 9);
    const results = await Promise.all(Array.from({ length: 50 }, () => lock.consume("k")));
    expect(results.filter((r) => r.allowed)).toEqual([
      { allowed: true, startedBlock: 10, reachedCap: true },
    ]);
    expect(await lock.check("k")).toEqual({ allowed: false, lock: "permanent" });
  });

  it("failures are forgotten after 21 days without a block", async () => {
    await fail("k", 9);
    vi.advanceTimersByTime(21 * DAY + 1000);
    expect(await fail("k", 9)).toEqual({ allowed: true });
    expect(await lock.consume("k")).toMatchObject({ startedBlock: 1 });
    // and the blocks too, 21 days after the latest one started
    vi.advanceTimersByTime(21 * DAY + 1000);
    expect(await fail("k", 10)).toMatchObject({ startedBlock: 1 });
  });

  it("keys are counted apart", async () => {
    await fail("a", 10);
    expect((await lock.check("a")).allowed).toBe(false);
    expect(await lock.check("b")).toEqual({ allowed: true });
    expect(await lock.consume("b")).toEqual({ allowed: true });
  });
});

describe("escalating lock fails closed", () => {
  it("a store error propagates instead of allowing", async () => {
    const db = new SQLite(":memory:");
    const lock = createEscalatingLimiter("closed", RULE, { kind: "sqlite", client: db });
    await lock.consume("x");
    db.close();
    await expect(lock.check("x")).rejects.toThrow();
    await expect(lock.consume("x")).rejects.toThrow();
  });
});
