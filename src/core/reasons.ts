import type { Weakness } from "./password-strength.js";
import type { Continuation, FlowPurpose } from "./ports/flows.js";

// Why a user's request was refused. These are ordinary results, not exceptions; the
// web layer maps each to a status and the words on the page (web/messages.ts).
export type Reason =
  | "bad_credentials"
  | "throttled"
  | "busy"
  | "expired"
  | "wrong_step"
  | "malformed_code"
  | "invalid_code"
  | "too_many_codes"
  | "second_factor_locked"
  | "second_factor_locked_for_good"
  | "password_mismatch"
  | "password_too_short"
  | "password_too_long"
  | "password_is_username"
  | "password_is_old"
  | "password_common"
  | "password_weak"
  | "method_unavailable"
  | "send_throttled"
  | "send_failed"
  // Issue 11
  | "current_password_wrong"
  | "temporary_password_expired";

export type Refusal = {
  ok: false;
  reason: Reason;
  retryAfterMs?: number;
  /** password_weak: what makes it guessable. */
  weakness?: Weakness;
  /** password_too_short: the minimum that applied (12, or 15 without a second factor). */
  minLength?: number;
  /**
   * The refusal ended the person's flow (too many codes, a lock): what it was for and
   * where it was going, so the web can send them back there rather than to Login alone.
   */
  ended?: EndedFlow;
  /** invalid_code: tries left before the flow ends (issue 11). */
  triesLeft?: number;
  /** invalid_code: why, when knowing helps the person (issue 11). */
  hint?: CodeHint;
};

/**
 * Help for a refused code: the phone's clock looks off by `offsetSeconds` (its code would
 * be right then; still refused and counted), or the code was right but used already
 * (an app code: wait for the next; a recovery code: each works once).
 */
export type CodeHint =
  | { kind: "clock"; offsetSeconds: number }
  | { kind: "used"; recoveryCode: boolean };

export interface EndedFlow {
  purpose: FlowPurpose;
  continuation: Continuation;
}

export function refuse(reason: Reason, retryAfterMs?: number): Refusal {
  return retryAfterMs === undefined ? { ok: false, reason } : { ok: false, reason, retryAfterMs };
}
