import SQLite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Limiter } from "../core/ports/limits.js";
import {
  buildLimiter,
  createLimits,
  type LimitBackend,
  type LimitRule,
  shortKey,
  wrap,
} from "./rate-limits.js";

const RULE: LimitRule = { points: 3, windowSeconds: 60, blockSeconds: 900 };

const backends: [string, () => LimitBackend][] = [
  ["memory", () => ({ kind: "memory" })],
  ["sqlite", () => ({ kind: "sqlite", client: new SQLite(":memory:") })],
];

describe.each(backends)("limiter wrap (%s)", (_name, backend) => {
  let limiter: Limiter;
  let n = 0;

  beforeEach(() => {
    limiter = wrap(buildLimiter(`t${n++}`, RULE, backend()), RULE);
    // rate-limiter-flexible reads Date.now() and sets timers; both are faked here.
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("allows attempts up to the limit; the one that takes the last point starts the block", async () => {
    expect(await limiter.consume("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({
      allowed: true,
      blockedForMs: RULE.blockSeconds * 1000,
    });
    expect(await limiter.check("k")).toMatchObject({ allowed: false });
    expect((await limiter.consume("k")).allowed).toBe(false);
  });

  it("reports the block's length as retryAfter, and it shrinks as time passes", async () => {
    for (let i = 0; i < RULE.points; i++) await limiter.consume("k");
    const blocked = await limiter.check("k");
    if (blocked.allowed) throw new Error("expected a block");
    expect(blocked.retryAfterMs).toBe(RULE.blockSeconds * 1000);
    vi.advanceTimersByTime(60_000);
    const later = await limiter.check("k");
    if (later.allowed) throw new Error("expected a block");
    expect(later.retryAfterMs).toBe((RULE.blockSeconds - 60) * 1000);
  });

  it("check does not count", async () => {
    for (let i = 0; i < 10; i++) expect(await limiter.check("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
  });

  it("more attempts while blocked are refused and do not extend the block", async () => {
    for (let i = 0; i < RULE.points; i++) await limiter.consume("k");
    vi.advanceTimersByTime(100_000);
    const again = await limiter.consume("k");
    expect(again.allowed).toBe(false);
    if (!again.allowed) expect(again.retryAfterMs).toBe((RULE.blockSeconds - 100) * 1000);
    const check = await limiter.check("k");
    if (!check.allowed) expect(check.retryAfterMs).toBe((RULE.blockSeconds - 100) * 1000);
  });

  it("unblocks when the block ends, and counts afresh", async () => {
    for (let i = 0; i < RULE.points; i++) await limiter.consume("k");
    vi.advanceTimersByTime(RULE.blockSeconds * 1000 - 1000);
    expect((await limiter.check("k")).allowed).toBe(false);
    vi.advanceTimersByTime(2000);
    expect(await limiter.check("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
  });

  it("forgets attempts older than the window", async () => {
    await limiter.consume("k");
    await limiter.consume("k");
    vi.advanceTimersByTime(RULE.windowSeconds * 1000 + 1000);
    expect(await limiter.consume("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
  });

  it("reset unblocks at once", async () => {
    for (let i = 0; i < RULE.points; i++) await limiter.consume("k");
    await limiter.reset("k");
    expect(await limiter.check("k")).toEqual({ allowed: true });
    expect(await limiter.consume("k")).toEqual({ allowed: true });
  });

  it("keys are counted apart", async () => {
    for (let i = 0; i < RULE.points; i++) await limiter.consume("a");
    expect((await limiter.check("a")).allowed).toBe(false);
    expect(await limiter.check("b")).toEqual({ allowed: true });
    expect(await limiter.consume("b")).toEqual({ allowed: true });
  });
});

const LOCK = {
  failuresPerBlock: 3,
  firstBlockSeconds: 60,
  maxBlockSeconds: 3600,
  cap: 9,
  rememberSeconds: 86_400,
};

describe("createLimits", () => {
  // Used in the same tick as construction: the SQLite tables must exist already.
  // (Issue 14: the password counters are four, the second factor's lock escalates.)
  it("keeps the counters apart, each with its own rule", async () => {
    const limits = createLimits(
      {
        password: {
          accountAddress: { points: 1, windowSeconds: 60, blockSeconds: 60 },
          account: { points: 5, windowSeconds: 60, blockSeconds: 60 },
          address: { points: 2, windowSeconds: 60, blockSeconds: 60 },
          device: { points: 4, windowSeconds: 60, blockSeconds: 60 },
        },
        secondFactor: LOCK,
      },
      { kind: "sqlite", client: new SQLite(":memory:") },
    );
    const blocks = async (limiter: Limiter) =>
      (await limiter.consume("x")).allowed === true && (await limiter.check("x")).allowed === false;
    expect(await blocks(limits.password.accountAddress)).toBe(true);
    expect(await blocks(limits.password.address)).toBe(false);
    expect((await limits.secondFactor.check("x")).allowed).toBe(true);
    expect(await blocks(limits.password.address)).toBe(true);
    expect(await blocks(limits.password.account)).toBe(false);
    for (let i = 0; i < 2; i++) await limits.secondFactor.consume("x");
    expect((await limits.secondFactor.check("x")).allowed).toBe(true);
    expect(await limits.secondFactor.consume("x")).toMatchObject({ startedBlock: 1 });
    expect(await limits.secondFactor.check("x")).toMatchObject({ lock: "temporary" });
  });

  it("fails closed: a store error propagates instead of allowing", async () => {
    const db = new SQLite(":memory:");
    const limits = createLimits(
      {
        password: { accountAddress: RULE, account: RULE, address: RULE, device: RULE },
        secondFactor: LOCK,
      },
      { kind: "sqlite", client: db },
    );
    await limits.secondFactor.consume("x");
    db.close();
    await expect(limits.secondFactor.check("x")).rejects.toThrow();
    await expect(limits.secondFactor.consume("x")).rejects.toThrow();
  });
});

describe("shortKey", () => {
  it("keeps keys up to 100 characters, shortens longer ones to 97 printable characters", () => {
    expect(shortKey("u:alice")).toBe("u:alice");
    const long = `email:${"a\u0000é".repeat(100)}@example.test`;
    const short = shortKey(long);
    expect(short).toHaveLength(97);
    expect(short).toMatch(/^[\x20-\x7e]{32}~[0-9a-f]{64}$/);
    expect(shortKey(`${long}x`)).not.toBe(short);
    expect(shortKey(long)).toBe(short);
  });

  it("every stored key goes through it (the send quotas use buildLimiter directly)", async () => {
    const rl = buildLimiter("send_destination", RULE, { kind: "memory" });
    const key = `email:${"z".repeat(254)}`;
    expect(rl.getKey(key)).toBe(`send_destination:${shortKey(key)}`);
    await rl.consume(key, 1);
    expect((await rl.get(key))?.consumedPoints).toBe(1);
  });
});

describe("expired limiter rows are deleted", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sqlite: a row expired over an hour ago is gone after the library's cleanup runs", async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
    const client = new SQLite(":memory:");
    const limiter = wrap(buildLimiter("cleanup", RULE, { kind: "sqlite", client }), RULE);
    await limiter.consume("old");
    const count = () =>
      (client.prepare("SELECT count(*) AS n FROM rl_cleanup").get() as { n: number }).n;
    expect(count()).toBe(1);
    // The window is 60 s; the library deletes rows expired over an hour ago every 5 minutes.
    await vi.advanceTimersByTimeAsync(60_000 + 3_600_000 + 5 * 60_000 + 1000);
    expect(count()).toBe(0);
    // A live key is kept.
    await limiter.consume("new");
    await vi.advanceTimersByTimeAsync(5 * 60_000 + 1000);
    expect(count()).toBe(1);
  });
});
