import type { Role } from "./runtime.js";

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
  /**
   * A temporary password set by staff stops working at this time (issue 11); null for a
   * password the user chose. Optional for fakes; the store always sets it.
   */
  passwordExpiresAt?: number | null;
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

export interface UserPatch {
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  role?: Role;
  active?: boolean;
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

/** Accounts: who may sign in, with what password, in which role. */
export interface UserStore {
  findByUsername(username: string): Promise<User | undefined>;
  findById(id: string): Promise<User | undefined>;
  /** Returns undefined when the username is taken. */
  create(user: NewUser, id: string, now: number): Promise<User | undefined>;
  /**
   * False, and nothing changed, when the patch would demote or deactivate the last active
   * administrator (one conditional statement; on PostgreSQL the active administrators are
   * locked first, so two concurrent demotions cannot both pass).
   */
  update(id: string, patch: UserPatch): Promise<boolean>;
  /** A password the user chose: any temporary password's expiry goes with the old one. */
  setPassword(userId: string, passwordHash: string, mustChangePassword: boolean): Promise<void>;
  /**
   * A password set by staff or the CLI (issue 11), in one transaction: the hash, whether it
   * must be changed, when it stops working (null: never), and the user's sessions and
   * pending sign-ins end.
   */
  setTemporaryPassword(
    userId: string,
    passwordHash: string,
    options: { mustChangePassword: boolean; expiresAt: number | null },
  ): Promise<void>;
  recordSignIn(userId: string, now: number): Promise<void>;
  /** Users by username/email prefix, in username order, one page (keyset). */
  search(query: UserSearch): Promise<User[]>;
  count(prefix?: string): Promise<number>;
  /**
   * Sets the account active or not; deactivating also ends the user's sessions and
   * flows and forgets its remembered devices, in one transaction. False, and nothing
   * changed, when it would deactivate the last active administrator (as `update`).
   */
  setActive(userId: string, active: boolean): Promise<boolean>;
  /**
   * Force New Password, in one transaction: clears the authenticator (keeping its record
   * in the history: when added, when removed, by whom), sets must-change-password, ends
   * the user's sessions and flows, deletes the recovery codes and forgets the remembered
   * devices (issue 11). `byId`: the acting account, null for the CLI.
   */
  forceNewPassword(userId: string, removal: { at: number; byId: string | null }): Promise<void>;
}
