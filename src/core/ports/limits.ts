import type { PasswordLimiters } from "../password-attempts.js";

/** Outcome of a throttled attempt. */
export type LimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A reserved attempt: refused, or allowed; `blockedForMs` is set when this attempt took
 * the last point, so the key is now blocked for that long (e.g. a wrong code locks).
 */
export type Reservation =
  | { allowed: true; blockedForMs?: number }
  | { allowed: false; retryAfterMs: number };

/** A counter that blocks a key after too many attempts in a window. */
export interface Limiter {
  /** Is the key blocked now? Does not count. */
  check(key: string): Promise<LimitResult>;
  /**
   * Counts one attempt BEFORE the work it guards: allowed iff the count after it is at
   * most `points`, so however many race, at most `points` attempts run per block.
   */
  consume(key: string): Promise<Reservation>;
  /**
   * Gives one consumed attempt back (it turned out not to be a guess, or failed on our
   * side). `startedBlock`: that attempt took the last point (blockedForMs), so its block
   * is lifted too.
   */
  refund(key: string, startedBlock?: boolean): Promise<void>;
  /** Forgets the key (after a success, or a supervisor's reset). */
  reset(key: string): Promise<void>;
}

export type LockState =
  | { allowed: true }
  | { allowed: false; lock: "temporary"; retryAfterMs: number }
  /** Only a reset (a supervisor) lets the account use its second factor again. */
  | { allowed: false; lock: "permanent" };

/**
 * A reserved attempt. `startedBlock` (1, 2, …): this attempt took the last point, so the
 * next is refused whatever this one turns out to be; `blockedForMs` is that block's
 * length, or `reachedCap` says it locks until a reset. If the code turns out wrong, this is
 * what the user is emailed about (the first block, the cap).
 */
export type LockReservation =
  | { allowed: true; startedBlock?: number; blockedForMs?: number; reachedCap?: true }
  | Exclude<LockState, { allowed: true }>;

/**
 * Consecutive wrong second-factor codes per account, across sign-ins: blocks that grow
 * while failures continue, then a lock that only a reset lifts (limits/escalating.ts).
 * Same order and meaning as Limiter.
 */
export interface SecondFactorLock {
  /** Is the key locked now? Does not count. */
  check(key: string): Promise<LockState>;
  /** Counts one attempt BEFORE the code is checked. */
  consume(key: string): Promise<LockReservation>;
  /**
   * Gives one consumed attempt back (not a guess, or failed on our side). `startedBlock`:
   * the reservation's, when that attempt started a block (or reached the cap); lifted too.
   */
  refund(key: string, startedBlock?: number): Promise<void>;
  /** Forgets the key: a correct code, a supervisor's unlock, Force New Password. */
  reset(key: string): Promise<void>;
}

export interface Limits {
  /** Wrong passwords, counted four ways (core/password-attempts.ts). */
  password: PasswordLimiters;
  /** Consecutive wrong second-factor codes per account, across sign-ins. */
  secondFactor: SecondFactorLock;
}

export interface SendQuotaKeys {
  userId: string;
  method: "email" | "sms";
  /** The address or E.164 number the code goes to. */
  destination: string;
  ip: string;
}

export type SendQuotaResult =
  | {
      allowed: true;
      /** Gives the send back: only when it certainly did not go out (DeliveryError.definite). */
      refund(): Promise<void>;
    }
  | {
      allowed: false;
      retryAfterMs: number;
      /** Which limit refused, for the audit log. */
      limit: string;
    };

/** Limits on sending codes (email bombing, SMS pumping). A refused take counts nothing. */
export interface SendQuota {
  take(keys: SendQuotaKeys): Promise<SendQuotaResult>;
  /** How long until this user may ask for another code by `method` (0: now). Does not count. */
  userWaitMs(userId: string, method: "email" | "sms"): Promise<number>;
}
