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
  update(id: string, patch: UserPatch): Promise<void>;
  setPassword(userId: string, passwordHash: string, mustChangePassword: boolean): Promise<void>;
  recordSignIn(userId: string, now: number): Promise<void>;
  /** Users by username/email prefix, in username order, one page (keyset). */
  search(query: UserSearch): Promise<User[]>;
  count(prefix?: string): Promise<number>;
  /**
   * Sets the account active or not; deactivating also ends the user's sessions and
   * flows and forgets its remembered devices, in one transaction.
   */
  setActive(userId: string, active: boolean): Promise<void>;
  /**
   * Force New Password, in one transaction: clears the authenticator (keeping its record
   * in the history: when added, when removed, by whom), sets must-change-password, ends
   * the user's sessions and flows, deletes the recovery codes and forgets the remembered
   * devices (issue 11). `byId`: the acting account, null for the CLI.
   */
  forceNewPassword(userId: string, removal: { at: number; byId: string | null }): Promise<void>;
}
