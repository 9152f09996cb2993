/**
 * How a person proved who they are (RFC 8176 values where one exists): `pwd` for the
 * password, `otp` for the authenticator app, `sms` and `email` for a sent code.
 */
export type Amr = "pwd" | "otp" | "sms" | "email";

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
}

export interface SessionStore {
  create(session: Session): Promise<void>;
  find(idHash: string, now: number): Promise<Session | undefined>;
  delete(idHash: string): Promise<void>;
  /** A step-up proved a second factor again: the session's proof is now this one. */
  reprove(idHash: string, authTime: number, amr: Amr[]): Promise<boolean>;
  /** A user's live sessions, newest first (the user's settings page). */
  listForUser(userId: string, now: number): Promise<Session[]>;
  /** Removes expired sessions; returns how many went. */
  deleteExpired(now: number): Promise<number>;
  /**
   * Forward-auth: names the session by a second token's hash (the cookie on the cookie
   * domain), replacing any earlier one. False when the session is gone.
   */
  setForward(idHash: string, forwardIdHash: string): Promise<boolean>;
  /** The live session a forward-auth cookie's token hash names. */
  findByForward(forwardIdHash: string, now: number): Promise<Session | undefined>;
}
