import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import type { LockReservation, LockState, SecondFactorLock } from "../core/ports/limits.js";
import { buildLimiter, type LimitBackend } from "./rate-limits.js";

// Wrong second-factor codes per account, across sign-ins: every `failuresPerBlock`
// consecutive failures start a block, each block longer than the last, and at `cap`
// consecutive failures (NIST SP 800-63B-4 §3.2.2: no more than 100) the account's second
// factor stays locked until someone resets it (a supervisor's unlock, Force New Password).
// A correct code resets the count. docs/security.md has the schedule and why.

export interface EscalationRule {
  /** Wrong codes allowed before each block. */
  failuresPerBlock: number;
  /** The first block; each next one is GROWTH times longer, up to maxBlockSeconds. */
  firstBlockSeconds: number;
  maxBlockSeconds: number;
  /** Consecutive failures that lock until a reset; a multiple of failuresPerBlock. */
  cap: number;
  /**
   * How long the count is kept with no new block: it must outlive the blocks, or every
   * block would restore a full allowance (the old 15-minute lock: ~40 guesses an hour).
   */
  rememberSeconds: number;
}

export const GROWTH = 4;

/** 10 per block; 15 min, 1 h, 4 h, 16 h, then 24 h each; locked at 100; kept 21 days. */
export const DEFAULT_ESCALATION: EscalationRule = {
  failuresPerBlock: 10,
  firstBlockSeconds: 900,
  maxBlockSeconds: 86_400,
  cap: 100,
  rememberSeconds: 21 * 86_400,
};

/**
 * rememberSeconds at most this: the memory store forgets a key by setTimeout, and Node
 * fires a timeout longer than 2^31 − 1 ms (24.8 days) at once.
 */
export const MAX_REMEMBER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export type { LockReservation, LockState };

/** Same order and meaning as the Limiter of rate-limits.ts (core/ports/limits.ts). */
export type EscalatingLimiter = SecondFactorLock;

/** The length of block number `block` (1 is the first). */
export function blockSeconds(rule: EscalationRule, block: number): number {
  return Math.min(rule.firstBlockSeconds * GROWTH ** (block - 1), rule.maxBlockSeconds);
}

/** Throws on a rule that cannot work; config.ts checks the environment first. */
export function checkEscalationRule(rule: EscalationRule): void {
  const whole = Object.values(rule).every((n) => Number.isInteger(n) && n > 0);
  if (
    !whole ||
    rule.cap % rule.failuresPerBlock !== 0 ||
    rule.maxBlockSeconds < rule.firstBlockSeconds ||
    rule.rememberSeconds > MAX_REMEMBER_SECONDS
  ) {
    throw new Error(`invalid escalation rule ${JSON.stringify(rule)}`);
  }
}

/**
 * Three rate-limiter-flexible counters per key, on any backend (memory, SQLite,
 * PostgreSQL, Redis):
 * - `name`: the attempts since the last block. Its own atomic count is what holds racers
 *   to failuresPerBlock: the attempt that takes the last point starts the block (which
 *   rewrites this record to expire when the block ends); racers see the count over the
 *   limit and are refused, before and after the block is written.
 * - `name_blocks`: how many blocks ran, so the next one is longer. Written only by the
 *   attempt that starts a block, which the count above makes one at a time.
 * - `name_locked`: set without expiry at the cap. Never consumed: Redis would give a key
 *   without expiry an expiry on its next increment.
 * The consecutive failures are failuresPerBlock · blocks + the attempts since.
 */
export function createEscalatingLimiter(
  name: string,
  rule: EscalationRule,
  backend: LimitBackend,
): EscalatingLimiter {
  checkEscalationRule(rule);
  const { failuresPerBlock, rememberSeconds } = rule;
  const counter = (suffix: string, points: number): RateLimiterAbstract =>
    buildLimiter(
      `${name}${suffix}`,
      { points, windowSeconds: rememberSeconds, blockSeconds: rule.firstBlockSeconds },
      backend,
    );
  const attempts = counter("", failuresPerBlock);
  const blocks = counter("_blocks", rule.cap / failuresPerBlock);
  const locked = counter("_locked", 1);

  const isLocked = async (key: string): Promise<boolean> => (await locked.get(key)) !== null;

  const startBlock = async (key: string): Promise<LockReservation> => {
    const block = ((await blocks.get(key))?.consumedPoints ?? 0) + 1;
    // Kept rememberSeconds from the latest block: the count outlives the blocks.
    await blocks.set(key, block, rememberSeconds);
    if (block * failuresPerBlock >= rule.cap) {
      await locked.set(key, 1, 0); // 0: no expiry
      // Over the limit here too, so an attempt that checked `locked` just before is refused.
      await attempts.block(key, rememberSeconds);
      return { allowed: true, startedBlock: block, reachedCap: true };
    }
    const seconds = blockSeconds(rule, block);
    await attempts.block(key, seconds);
    return { allowed: true, startedBlock: block, blockedForMs: seconds * 1000 };
  };

  return {
    async check(key) {
      if (await isLocked(key)) return { allowed: false, lock: "permanent" };
      const res = await attempts.get(key);
      if (res && res.consumedPoints >= failuresPerBlock) {
        // Between the last point taken and its block written, the count's own expiry
        // shows (up to rememberSeconds); no block is longer than maxBlockSeconds.
        const wait = Math.min(res.msBeforeNext, rule.maxBlockSeconds * 1000);
        return { allowed: false, lock: "temporary", retryAfterMs: Math.max(wait, 1000) };
      }
      return { allowed: true };
    },

    async consume(key) {
      if (await isLocked(key)) return { allowed: false, lock: "permanent" };
      let res: RateLimiterRes;
      try {
        res = await attempts.consume(key, 1);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        // Over the limit: a block runs, or is being written by the attempt that started
        // it (see check), or that attempt just reached the cap.
        if (await isLocked(key)) return { allowed: false, lock: "permanent" };
        const wait = Math.min(err.msBeforeNext, rule.maxBlockSeconds * 1000);
        return { allowed: false, lock: "temporary", retryAfterMs: Math.max(wait, 1000) };
      }
      if (res.consumedPoints < failuresPerBlock) return { allowed: true };
      // This attempt took the last point: it still runs, and the next one waits.
      try {
        return await startBlock(key);
      } catch (err) {
        // The block could not be written (the store failed): the caller answers 503 and
        // checks no code, so the attempt is given back if the store still answers.
        await attempts.reward(key, 1).catch(() => {});
        throw err;
      }
    },

    async refund(key, startedBlock) {
      // The block (or the cap) was this attempt's doing if the block count still shows it
      // (a reset since would have cleared it): lift it, keeping the attempts before it.
      // Refunds of other attempts during the block are not told apart, so at most they
      // stay counted: the error is on the careful side.
      if (startedBlock !== undefined) {
        const blocksNow = (await blocks.get(key))?.consumedPoints ?? 0;
        if (blocksNow === startedBlock) {
          await attempts.set(key, failuresPerBlock - 1, rememberSeconds);
          if (startedBlock > 1) await blocks.set(key, startedBlock - 1, rememberSeconds);
          else await blocks.delete(key);
          await locked.delete(key);
          return;
        }
      }
      const res = await attempts.reward(key, 1);
      // A reset between the consume and this refund leaves -1: forget the key instead of
      // keeping a spare attempt for later.
      if (res.consumedPoints < 0) await attempts.delete(key);
    },

    async reset(key) {
      await attempts.delete(key);
      await blocks.delete(key);
      await locked.delete(key);
    },
  };
}
