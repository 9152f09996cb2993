/** A browser that skips the second factor for its user until `expiresAt` (docs/recovery.md). */
export interface RememberedDevice {
  id: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  /** Set when remembered, never moved later. */
  expiresAt: number;
  /** For display only: the browser and address it was last used from. */
  userAgent: string;
  ip: string;
}

export interface DeviceStore {
  create(device: RememberedDevice & { tokenHash: string }): Promise<void>;
  /** The unexpired device whose token hashes to `tokenHash`. */
  findByToken(tokenHash: string, now: number): Promise<RememberedDevice | undefined>;
  /**
   * Rotation on use: the token becomes `newTokenHash` iff it is still `oldTokenHash` and
   * the device unexpired at `now`, in one statement (of two browsers holding one copied
   * cookie, one gets through). The expiry does not move.
   */
  rotate(
    oldTokenHash: string,
    newTokenHash: string,
    use: { now: number; ip: string; userAgent: string },
  ): Promise<boolean>;
  /** The user's unexpired devices, last used first. */
  listForUser(userId: string, now: number): Promise<RememberedDevice[]>;
  /** Forgets one of the user's devices; false when it is not theirs or gone. */
  forget(userId: string, deviceId: string): Promise<boolean>;
  /** Forgets every device of the user; how many went. */
  forgetAll(userId: string): Promise<number>;
  deleteExpired(now: number): Promise<number>;
}
