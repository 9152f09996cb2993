import { createHash } from "node:crypto";
import {
  type IRateLimiterStoreOptions,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  RateLimiterSQLite,
} from "rate-limiter-flexible";
import type { Limiter, LimitResult, Limits } from "../core/ports/limits.js";
import { createEscalatingLimiter, type EscalationRule } from "./escalating.js";
import { createPasswordLimiters, type PasswordLimitRules } from "./password-limiters.js";

export interface LimitRule {
  /** Hits allowed in the window; the hit that reaches it blocks the key. */
  points: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface LimitRules {
  /** Wrong passwords, four counters (docs/security.md). */
  password: PasswordLimitRules;
  /** Wrong second-factor codes: growing blocks, then a lock until reset. */
  secondFactor: EscalationRule;
}

/** Where the counters live; each backend is a rate-limiter-flexible store. */
export type LimitBackend =
  | { kind: "memory" }
  | { kind: "sqlite"; client: unknown }
  /** A pg.Pool; the shared rate_limits table is created by migration 0003. */
  | { kind: "postgres"; pool: unknown }
  /** An ioredis client (see connectRedis); every key starts with `prefix`. */
  | { kind: "redis"; client: unknown; prefix: string };

export function createLimits(rules: LimitRules, backend: LimitBackend): Limits {
  return {
    password: createPasswordLimiters(rules.password, backend),
    // Its own name: the counts of the old fixed 15-minute block are not carried over.
    secondFactor: createEscalatingLimiter("second_factor_lock", rules.secondFactor, backend),
  };
}

/**
 * Every counter is made here (our Limiter through wrap, the send quotas directly), so
 * this is the one place keys are kept short for every backend.
 */
export function buildLimiter(
  name: string,
  rule: LimitRule,
  backend: LimitBackend,
): RateLimiterAbstract {
  return withShortKeys(storeLimiter(name, rule, backend));
}

/** Longer keys are stored as a readable head and their SHA-256 (see shortKey). */
export const MAX_KEY_LENGTH = 100;

/**
 * A key of at most MAX_KEY_LENGTH as is; a longer one (`pw_account` + a 256-character
 * username, `send_destination` + a 254-character address) as its first 32 characters
 * (printable ASCII kept, anything else `_`) + `~` + its SHA-256 hex: 97 characters,
 * well inside PostgreSQL's rate_limits.key varchar(255) with the limiter's name before it.
 * Distinct keys stay distinct (SHA-256); the head is only for a person reading the table.
 */
export function shortKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  const head = key.slice(0, 32).replace(/[^\x20-\x7e]/g, "_");
  return `${head}~${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * rate-limiter-flexible builds every stored key (consume, get, block, set, reward,
 * delete) with getKey(key) = `${keyPrefix}:${key}`; shortening the key there covers
 * every call on every store.
 */
function withShortKeys(rl: RateLimiterAbstract): RateLimiterAbstract {
  const fullKey = rl.getKey.bind(rl);
  rl.getKey = (key: string | number) => fullKey(shortKey(String(key)));
  return rl;
}

function storeLimiter(name: string, rule: LimitRule, backend: LimitBackend): RateLimiterAbstract {
  const base = { keyPrefix: name, points: rule.points, duration: rule.windowSeconds };
  switch (backend.kind) {
    case "memory":
      return new RateLimiterMemory(base);
    case "sqlite": {
      const tableName = `rl_${name}`;
      // The library creates its table in a promise and refuses every call until then
      // ("Table is not created yet"); better-sqlite3 is synchronous, so create it now.
      // The layout is RateLimiterSQLite#_getCreateTableSQL's.
      (backend.client as { exec(sql: string): unknown }).exec(
        `CREATE TABLE IF NOT EXISTS ${tableName} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`,
      );
      return new RateLimiterSQLite({
        ...base,
        storeClient: backend.client,
        storeType: "better-sqlite3",
        tableName,
        tableCreated: true,
        // Every 5 minutes the library deletes rows expired over an hour ago; without
        // this (off by default) every key ever counted stayed in the table.
        clearExpiredByTimeout: true,
      } as IRateLimiterStoreOptions);
    }
    case "postgres":
      return new RateLimiterPostgres({
        ...base,
        storeClient: backend.pool,
        storeType: "pool",
        tableName: "rate_limits",
        // Our migration made the table under its lock; no CREATE TABLE race at start.
        tableCreated: true,
        // As for SQLite: expired rows are deleted every 5 minutes (off by default).
        // Every limiter sharing rate_limits runs its own DELETE; each is cheap.
        clearExpiredByTimeout: true,
      } as IRateLimiterStoreOptions);
    case "redis":
      return new RateLimiterRedis({
        ...base,
        keyPrefix: `${backend.prefix}rl:${name}`,
        storeClient: backend.client,
        // Refuse at once while disconnected; the caller answers 503.
        rejectIfRedisNotReady: true,
      });
  }
}

/** A named Limiter with its rule on the deployment's backend (Redis, database or memory). */
export function createLimiter(name: string, rule: LimitRule, backend: LimitBackend): Limiter {
  return wrap(buildLimiter(name, rule, backend), rule);
}

/**
 * Our Limiter over a rate-limiter-flexible one. A key is blocked once its count reaches
 * `points`; the block then lasts blockSeconds. `consume` counts before the work it guards
 * (the attempt that reaches the limit is still allowed, the next is not). Store errors
 * propagate, so a request whose limit cannot be checked fails closed (503), never open.
 */
export function wrap(rl: RateLimiterAbstract, rule: LimitRule): Limiter {
  const blocked = (res: RateLimiterRes | null): LimitResult =>
    res && res.consumedPoints >= rule.points
      ? { allowed: false, retryAfterMs: Math.max(res.msBeforeNext, 1000) }
      : { allowed: true };
  return {
    async check(key) {
      return blocked(await rl.get(key));
    },
    async consume(key) {
      let res: RateLimiterRes;
      try {
        res = await rl.consume(key, 1);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        // Over the limit: refused, and the guarded work does not run. A racer that lands
        // here before the block below is written sees the window's end; report the block's.
        const wait = Math.min(err.msBeforeNext, rule.blockSeconds * 1000);
        return { allowed: false, retryAfterMs: Math.max(wait, 1000) };
      }
      if (res.consumedPoints < rule.points) return { allowed: true };
      // The attempt that takes the last point still runs; it starts a block of its own
      // length, so the next attempt is refused whatever this one turns out to be.
      const block = await rl.block(key, rule.blockSeconds);
      return { allowed: true, blockedForMs: Math.max(block.msBeforeNext, 1000) };
    },
    async refund(key, startedBlock = false) {
      const res = await rl.reward(key, 1);
      // A reset between the consume and this refund leaves -1: forget the key instead of
      // keeping a spare attempt for later.
      if (res.consumedPoints < 0) await rl.delete(key);
      else if (startedBlock && res.consumedPoints >= rule.points) {
        // The block was this attempt's doing: lift it, keeping the attempts before it.
        await rl.set(key, rule.points - 1, rule.windowSeconds);
      }
    },
    async reset(key) {
      await rl.delete(key);
    },
  };
}
