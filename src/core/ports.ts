// The small interfaces the core needs. Adapters live in store/, limits/, delivery/;
// only main.ts and cli/ assemble them.

export type Role = "user" | "supervisor" | "administrator";
export const ROLES: readonly Role[] = ["user", "supervisor", "administrator"];

export type Method = "app" | "sms" | "email";
export const METHODS: readonly Method[] = ["app", "sms", "email"];

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Random {
  bytes(length: number): Buffer;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
  active: boolean;
  createdAt: number;
  lastSignInAt: number | null;
}

export interface NewUser {
  username: string;
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
}

export interface Authenticator {
  userId: string;
  /** AES-256-GCM box of the base32 secret. */
  secretBox: string;
  confirmedAt: number | null;
  lastStep: number | null;
  createdAt: number;
}

export type ChallengeState = "change_password" | "setup_app" | "verify";

/** An email/SMS code on a pending sign-in; only its HMAC is kept. */
export interface ChallengeCode {
  hmac: string;
  method: "email" | "sms";
  sentAt: number;
  expiresAt: number;
}

export interface Challenge {
  /** sha256 of the cookie token; the token itself is never stored. */
  idHash: string;
  userId: string;
  state: ChallengeState;
  createdAt: number;
  expiresAt: number;
  failedCodes: number;
}

export interface Session {
  idHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface AuditEvent {
  type: string;
  at: number;
  userId?: string | null;
  actorId?: string | null;
  username?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export interface StoredAuditEvent extends Required<Omit<AuditEvent, "detail">> {
  id: number;
  detail: Record<string, unknown>;
}

export interface UserPatch {
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  role?: Role;
  active?: boolean;
}

export interface UserListQuery {
  search?: string;
  /** Keyset paging: usernames strictly after this one. */
  after?: string;
  limit: number;
}

/** A user as the users page lists them: the account plus whether the app is set up. */
export interface UserSummary extends User {
  appSetUp: boolean;
}

export interface UserSearch {
  /** Prefix of the username or of the email address, case-insensitive. */
  prefix?: string;
  /** Keyset paging: usernames strictly after this one. */
  after?: string;
  /**
   * Keyset paging backwards: the `limit` usernames just before this one, still returned
   * in ascending order. Wins over `after` when both are given.
   */
  before?: string;
  limit: number;
}

export interface AuditQuery {
  userId?: string;
  type?: string;
  since?: number;
  /** Keyset paging: ids strictly below this one. */
  beforeId?: number;
  limit: number;
}

export interface Store {
  ping(): Promise<void>;
  close(): Promise<void>;

  findUserByUsername(username: string): Promise<User | undefined>;
  findUserById(id: string): Promise<User | undefined>;
  /** Returns undefined when the username is taken. */
  createUser(user: NewUser, id: string, now: number): Promise<User | undefined>;
  updateUser(id: string, patch: UserPatch): Promise<void>;
  listUsers(query: UserListQuery): Promise<User[]>;
  setPassword(userId: string, passwordHash: string, mustChangePassword: boolean): Promise<void>;
  recordSignIn(userId: string, now: number): Promise<void>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  getAuthenticator(userId: string): Promise<Authenticator | undefined>;
  /** The set-up key (a SecretBox) of a pending sign-in in `setup_app`, if it has one. */
  getChallengeSecret(idHash: string): Promise<string | undefined>;
  /**
   * Puts a set-up key on a pending sign-in in `setup_app` unless it has one; returns
   * whichever is stored (undefined when the challenge is gone or at another step).
   */
  setChallengeSecret(idHash: string, secretBox: string): Promise<string | undefined>;
  /**
   * Makes the challenge's set-up key (iff it is still `secretBox`, the challenge alive in
   * `setup_app`) the user's confirmed authenticator and records `step` as used, in one
   * statement. False when the user has a confirmed authenticator already: true once.
   */
  confirmAuthenticator(input: {
    challengeIdHash: string;
    secretBox: string;
    step: number;
    now: number;
  }): Promise<boolean>;
  /** RFC 6238 §5.2: records `step` as used iff it is newer than the last one. */
  useTotpStep(userId: string, step: number): Promise<boolean>;

  createChallenge(challenge: Challenge): Promise<void>;
  findChallenge(idHash: string, now: number): Promise<Challenge | undefined>;
  /** Moves a challenge to a new state under a new id, iff it is still in `from`. */
  advanceChallenge(
    idHash: string,
    from: ChallengeState,
    to: ChallengeState,
    newIdHash: string,
  ): Promise<boolean>;
  /** Counts one wrong code; returns the new count, or undefined when the challenge is gone. */
  addFailedCode(idHash: string): Promise<number | undefined>;
  /**
   * Reserves one code attempt on a pending sign-in before the code is checked, in one
   * statement: the new count iff it was below `max`, else undefined (also when gone).
   */
  reserveCodeAttempt(idHash: string, max: number): Promise<number | undefined>;
  /** Gives a reserved attempt back (not checked after all, or a right code used already). */
  refundCodeAttempt(idHash: string): Promise<void>;
  /** Deletes and returns the challenge: succeeds for exactly one caller. */
  takeChallenge(idHash: string, state: ChallengeState): Promise<Challenge | undefined>;
  deleteChallenge(idHash: string): Promise<void>;

  createSession(session: Session): Promise<void>;
  findSession(idHash: string, now: number): Promise<Session | undefined>;
  deleteSession(idHash: string): Promise<void>;

  /**
   * Force New Password, in one transaction: clears the authenticator, sets
   * must-change-password, ends the user's sessions and pending sign-ins.
   */
  forceNewPassword(userId: string): Promise<void>;

  /** Users by username/email prefix, in username order, one page (keyset). */
  searchUsers(query: UserSearch): Promise<UserSummary[]>;
  countUsers(prefix?: string): Promise<number>;
  /**
   * Sets the account active or not; deactivating also ends the user's sessions and
   * pending sign-ins, in one transaction.
   */
  setUserActive(userId: string, active: boolean): Promise<void>;

  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(query: AuditQuery): Promise<StoredAuditEvent[]>;

  /** Removes expired sessions and challenges; returns how many rows went. */
  sweepExpired(now: number): Promise<number>;

  /** Puts a code on a pending sign-in, replacing any earlier one; false when it is gone. */
  setChallengeCode(idHash: string, code: ChallengeCode): Promise<boolean>;
  getChallengeCode(idHash: string): Promise<ChallengeCode | undefined>;
  /**
   * Single use: clears the code iff it is still `hmac`, unexpired at `now`, on a challenge
   * in `verify`. True for exactly one caller.
   */
  useChallengeCode(idHash: string, hmac: string, now: number): Promise<boolean>;
  /** Removes the code iff it is still `hmac` (a send that failed). */
  clearChallengeCode(idHash: string, hmac: string): Promise<void>;
}

/** Outcome of a throttled attempt. */
export type LimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A reserved attempt: refused, or allowed; `blockedForMs` is set when this attempt took
 * the last point, so the key is now blocked for that long (e.g. a wrong code locks).
 */
export type Reservation =
  | { allowed: true; blockedForMs?: number }
  | { allowed: false; retryAfterMs: number };

/** A counter that blocks a key after too many hits in a window. */
export interface Limiter {
  /** Is the key blocked now? Does not count. */
  check(key: string): Promise<LimitResult>;
  /** Counts one hit; reports whether the key is now blocked. */
  hit(key: string): Promise<LimitResult>;
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

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one email. Rejects with DeliveryError when the server refuses or does not answer. */
export interface Mailer {
  send(message: OutgoingEmail): Promise<void>;
}

/** Sends one SMS to an E.164 number. Rejects with DeliveryError on provider failure. */
export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}

/** A provider failed; the message says which and why, never the content. */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  /**
   * True only when the message certainly did not go out: the provider refused it (HTTP
   * 4xx, an SMTP refusal before DATA) or no connection was made. A timeout or a 5xx may
   * still have delivered it, so the send quota is kept (SMS pumping, docs/codes.md).
   */
  readonly definite: boolean;

  constructor(message: string, options: { definite?: boolean } = {}) {
    super(message);
    this.definite = options.definite ?? false;
  }
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
      retryAfterMs: number /** Which limit refused, for the audit log. */;
      limit: string;
    };

/** Limits on sending codes (email bombing, SMS pumping). A refused take counts nothing. */
export interface SendQuota {
  take(keys: SendQuotaKeys): Promise<SendQuotaResult>;
  /** How long until this user may ask for another code by `method` (0: now). Does not count. */
  userWaitMs(userId: string, method: "email" | "sms"): Promise<number>;
}
