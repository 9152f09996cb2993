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

export interface Limits {
  /** Wrong passwords per account. */
  passwordByAccount: Limiter;
  /** Wrong passwords per client address. */
  passwordByIp: Limiter;
  /** Consecutive wrong second-factor codes per account, across sign-ins. */
  secondFactor: Limiter;
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
