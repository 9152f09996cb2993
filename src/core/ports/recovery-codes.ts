/** A stored recovery code: its look-up group and the argon2id hash of the whole code. */
export interface StoredRecoveryCode {
  id: string;
  lookup: string;
  codeHash: string;
}

/** A user's recovery codes (docs/recovery.md): ten look-up secrets, each used once. */
export interface RecoveryCodeStore {
  /** Deletes the user's codes, then stores these: call inside Stores.atomically. */
  replace(userId: string, codes: readonly StoredRecoveryCode[], now: number): Promise<void>;
  /**
   * The code with this look-up group, used or not: at most one (a set has no repeated
   * group, and a new set replaces the old).
   */
  find(
    userId: string,
    lookup: string,
  ): Promise<(StoredRecoveryCode & { usedAt: number | null }) | undefined>;
  /** Single use: marks the code used iff it is unused, in one statement. True once. */
  use(id: string, now: number): Promise<boolean>;
  /** Unused codes left. */
  countLeft(userId: string): Promise<number>;
  deleteAll(userId: string): Promise<void>;
}
