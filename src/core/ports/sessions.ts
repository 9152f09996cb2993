/**
 * How a person proved who they are (RFC 8176 values where one exists): `pwd` for the
 * password, `otp` for the authenticator app, `sms` and `email` for a sent code, `rc` for a
 * recovery code (issue 11, docs/recovery.md).
 */
export type Amr = "pwd" | "otp" | "sms" | "email" | "rc";

/** A signed-in browser. Its cookie token is never stored, only its SHA-256. */
export interface Session {
  idHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  /** When the user last proved who they are in this session (OIDC auth_time). */
  authTime: number;
  /** How: the methods of that proof, the password first. */
  amr: Amr[];
  /**
   * The last request seen with this session, for the idle timeout; written at most once a
   * minute (core/sessions.ts), so it can be up to a minute behind.
   */
  lastSeenAt: number;
  /** Where it began (issue 11, the account page): the client address and its browser. */
  ip?: string | null;
  userAgent?: string | null;
}

/** A session to store; last seen when it begins unless said otherwise. */
export type NewSession = Omit<Session, "lastSeenAt" | "ip" | "userAgent"> & {
  lastSeenAt?: number;
  ip?: string | null;
  userAgent?: string | null;
};

export interface SessionStore {
  /** With where it began: its address and browser (User-Agent, cut to 256 characters). */
  create(session: NewSession): Promise<void>;
  /** The session while its absolute lifetime runs; the idle rule is the core's. */
  find(idHash: string, now: number): Promise<Session | undefined>;
  /** A request used the session at `now` (its last_seen_at). */
  touch(idHash: string, now: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of the user but `keepIdHash` (Sign out other sessions); how many went. */
  deleteOthers(userId: string, keepIdHash: string): Promise<number>;
  /** A step-up proved a second factor again: the session's proof is now this one. */
  reprove(idHash: string, authTime: number, amr: Amr[]): Promise<boolean>;
  /**
   * A user's live sessions, newest first (the user's settings page): unexpired at `now`
   * and, when `seenSince` is given, last seen after it (not idle).
   */
  listForUser(userId: string, now: number, seenSince?: number): Promise<Session[]>;
  /** Removes expired sessions, and idle ones (last seen at or before `seenSince`); how many went. */
  deleteExpired(now: number, seenSince?: number): Promise<number>;
  /**
   * Forward-auth: names the session by a second token's hash (the cookie on the cookie
   * domain), replacing any earlier one. False when the session is gone.
   */
  setForward(idHash: string, forwardIdHash: string): Promise<boolean>;
  /** The live session a forward-auth cookie's token hash names. */
  findByForward(forwardIdHash: string, now: number): Promise<Session | undefined>;
}
