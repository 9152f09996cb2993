import type { Method } from "./runtime.js";

/**
 * Why a flow exists: a sign-in; setting up a factor from the account page (`enrol`); or
 * proving a second factor again before a sensitive change (`step-up`).
 */
export type FlowPurpose = "signin" | "enrol" | "step-up";

/**
 * Where a flow stands. `password` is a flow that holds a continuation before anyone has
 * typed a password (an application sent the browser to sign in); every other state
 * belongs to a known user.
 */
export type FlowState =
  | "password"
  /** Before a forced change: a code sent to the user's email address proves it (issue 14). */
  | "prove_email"
  | "change_password"
  | "setup_app"
  | "verify";

/**
 * Where the browser goes when its flow ends. Kept on the flow's row, never taken back from
 * a query string: `home` (Vestibule's start page), `path` (a page of ours, e.g. the
 * account page after a step-up), `oidc` (an OpenID Connect interaction), `forward` (a
 * forward-auth return address, checked before it is stored).
 */
export type Continuation =
  | { kind: "home" }
  | { kind: "path"; path: string }
  /** `mfa`: the application requires a second factor (a remembered device does not skip it). */
  | { kind: "oidc"; uid: string; mfa?: boolean }
  | { kind: "forward"; url: string };

/** A pending sign-in, enrolment or step-up: one per browser, bound to an HttpOnly cookie. */
export interface Flow {
  /** sha256 of the cookie token; the token itself is never stored. */
  idHash: string;
  /** Null only in state `password`. */
  userId: string | null;
  purpose: FlowPurpose;
  state: FlowState;
  continuation: Continuation;
  /** Enrol and step-up: the session (its id hash) the flow belongs to. */
  sessionIdHash: string | null;
  createdAt: number;
  expiresAt: number;
  /** Code attempts taken on this flow (reserved before each check). */
  failedCodes: number;
}

/** An email/SMS code on a flow; only its HMAC is kept. */
export interface FlowCode {
  hmac: string;
  method: Extract<Method, "email" | "sms">;
  sentAt: number;
  expiresAt: number;
}

export interface FlowStore {
  create(flow: Flow): Promise<void>;
  find(idHash: string, now: number): Promise<Flow | undefined>;
  /**
   * Moves a flow to a new state under a new id, iff it is still in `from` (a
   * compare-and-swap: of two racing submissions of one step only one moves it). `userId`
   * binds a flow that had none (state `password`).
   */
  advance(
    idHash: string,
    from: FlowState,
    to: FlowState,
    newIdHash: string,
    userId?: string,
  ): Promise<boolean>;
  /** Deletes and returns the flow iff it is in `state`: succeeds for exactly one caller. */
  take(idHash: string, state: FlowState): Promise<Flow | undefined>;
  delete(idHash: string): Promise<void>;
  /**
   * Ends a user's flows (their sign-ins in progress elsewhere), except those that belong
   * to the session `keepSessionIdHash` (its step-up or enrolment), issue 11.
   */
  deleteForUser(userId: string, keepSessionIdHash?: string): Promise<void>;
  /**
   * Reserves one code attempt before the code is checked, in one statement: the new
   * count iff it was below `max`, else undefined (also when the flow is gone).
   */
  reserveAttempt(idHash: string, max: number): Promise<number | undefined>;
  /** Gives a reserved attempt back (not checked after all, or a right code used already). */
  refundAttempt(idHash: string): Promise<void>;

  /** Puts a code on a flow, replacing any earlier one; false when the flow is gone. */
  setCode(idHash: string, code: FlowCode): Promise<boolean>;
  getCode(idHash: string): Promise<FlowCode | undefined>;
  /**
   * Single use: clears the code iff it is still `hmac`, unexpired at `now`, on a flow in
   * `verify` or `prove_email`. True for exactly one caller.
   */
  useCode(idHash: string, hmac: string, now: number): Promise<boolean>;
  /** Removes the code iff it is still `hmac` (a send that failed). */
  clearCode(idHash: string, hmac: string): Promise<void>;

  /** The set-up key (a SecretBox) of a flow in `setup_app`, if it has one. */
  getSetupKey(idHash: string): Promise<string | undefined>;
  /**
   * Puts a set-up key on a flow in `setup_app` unless it has one; returns whichever is
   * stored (undefined when the flow is gone or at another step).
   */
  setSetupKey(idHash: string, secretBox: string): Promise<string | undefined>;

  /** Removes expired flows; returns how many went. */
  deleteExpired(now: number): Promise<number>;
}
