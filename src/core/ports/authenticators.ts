/** A user's authenticator app: its sealed key and the last time step it accepted. */
export interface Authenticator {
  userId: string;
  /** AES-256-GCM box of the base32 secret. */
  secretBox: string;
  confirmedAt: number | null;
  lastStep: number | null;
  createdAt: number;
  /**
   * Steps of codes refused as from a phone ahead of time (issue 11), still able to come
   * due: the factor never accepts them. Ascending.
   */
  refusedSteps: number[];
}

/** An authenticator that was removed (Force New Password): its record, not its key. */
export interface RemovedAuthenticator {
  createdAt: number;
  confirmedAt: number | null;
  removedAt: number;
  /** The acting account; null for the CLI. */
  removedBy: string | null;
  reason: string;
}

export interface AuthenticatorStore {
  /** A user's removed authenticators, newest first (which key was in use when). */
  history(userId: string): Promise<RemovedAuthenticator[]>;
  get(userId: string): Promise<Authenticator | undefined>;
  /** Of these users, the ones with a confirmed authenticator (the users page). */
  confirmedAmong(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * Makes the flow's set-up key (iff it is still `secretBox`, the flow alive in
   * `setup_app`) the user's confirmed authenticator and records `step` as used, ending
   * the flow, in one statement or transaction. False when the user has a confirmed
   * authenticator already: true once.
   */
  confirm(input: {
    flowIdHash: string;
    secretBox: string;
    step: number;
    now: number;
  }): Promise<boolean>;
  /**
   * Replace the authenticator app (issue 11): in one transaction, ends the enrolment flow
   * (iff it is alive in `setup_app` and still holds `secretBox`), records the old
   * authenticator in the history (reason "replaced", by the user) and makes the flow's key
   * the user's confirmed authenticator with `step` used. False when the flow was gone.
   */
  replace(input: {
    flowIdHash: string;
    userId: string;
    secretBox: string;
    step: number;
    now: number;
  }): Promise<boolean>;
  /** RFC 6238 §5.2: records `step` as used iff it is newer than the last one. */
  useStep(userId: string, step: number): Promise<boolean>;
  /**
   * Adds `step` to the confirmed authenticator's refused steps and drops those before
   * `keepFrom` (they can no longer come due), by compare-and-swap: concurrent refusals,
   * on any number of instances, all stay recorded. Nothing without a confirmed one.
   */
  refuseStep(userId: string, step: number, keepFrom: number): Promise<void>;
}
