import { clientKey } from "./client-key.js";

// Who may try a password now. Wrong passwords are counted four ways:
// - account + client address, tight (10 / 15 min): one place guessing one account;
// - account alone, loose (100 / hour): guessing spread over many addresses;
// - client address, whatever the account (50 / 15 min): one place trying many accounts;
// - account + device, for a browser with a valid device cookie (core/device-cookie.ts),
//   INSTEAD of the two account counters: guesses from elsewhere, however many, do not
//   lock out a browser that signed in before (OWASP "device cookies").
// Today's single account counter let 10 wrong passwords from anywhere block the right one
// for everyone for 15 minutes. Defaults and reasons: docs/security.md.

/** The part of a Limiter (core/ports.ts, limits/rate-limits.ts wrap) this module uses. */
export interface AttemptLimiter {
  check(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
  consume(
    key: string,
  ): Promise<{ allowed: true; blockedForMs?: number } | { allowed: false; retryAfterMs: number }>;
  refund(key: string, startedBlock?: boolean): Promise<void>;
  reset(key: string): Promise<void>;
}

export interface PasswordLimiters {
  accountAddress: AttemptLimiter;
  account: AttemptLimiter;
  address: AttemptLimiter;
  device: AttemptLimiter;
}

export type PasswordLimit = keyof PasswordLimiters;

export interface PasswordAttempt {
  /** The username as typed, normalised (normalizeUsername); known or not. */
  username: string;
  ip: string;
  /** From verifyDeviceCookie for this same username; absent when none or not valid. */
  deviceId?: string | undefined;
}

interface Counter {
  limit: PasswordLimit;
  key: string;
}

/** The counters an attempt is charged to, in the order they are taken. */
export function passwordCounters(attempt: PasswordAttempt): Counter[] {
  // An IPv6 client is counted by its /64: it can take a new address in it per guess.
  const address = `ip:${clientKey(attempt.ip)}`;
  const account = `u:${attempt.username}`;
  const own: Counter[] =
    attempt.deviceId === undefined
      ? [
          { limit: "accountAddress", key: `${account}|${address}` },
          { limit: "account", key: account },
        ]
      : [{ limit: "device", key: `${account}|d:${attempt.deviceId}` }];
  return [{ limit: "address", key: address }, ...own];
}

export type PasswordGate = { ok: true } | { ok: false; limit: PasswordLimit; retryAfterMs: number };

/** Step 1, before the input is even looked at: is any counter of this attempt blocked? */
export async function checkPasswordAttempt(
  limits: PasswordLimiters,
  attempt: PasswordAttempt,
): Promise<PasswordGate> {
  for (const { limit, key } of passwordCounters(attempt)) {
    const state = await limits[limit].check(key);
    if (!state.allowed) return { ok: false, limit, retryAfterMs: state.retryAfterMs };
  }
  return { ok: true };
}

export type PasswordReservation =
  | {
      ok: true;
      /** Counters this attempt took the last point of: a wrong password now blocks them. */
      exhausted: PasswordLimit[];
      /** The password was right: the attempt's own counter is forgotten, the shared ones given back. */
      succeeded(): Promise<void>;
      /** Our fault (hasher busy, store down): every point is given back, blocks it started lifted. */
      giveBack(): Promise<void>;
    }
  | { ok: false; limit: PasswordLimit; retryAfterMs: number };

/**
 * Step 3, after the input was found well formed and BEFORE argon2: one point from every
 * counter of the attempt, or none (a refusal gives back what was taken). Taking them
 * after argon2 let N parallel guesses through a limit none of them had raised yet.
 * A wrong password needs nothing more: its points stay taken.
 */
export async function reservePasswordAttempt(
  limits: PasswordLimiters,
  attempt: PasswordAttempt,
): Promise<PasswordReservation> {
  const taken: (Counter & { startedBlock: boolean })[] = [];
  const giveBack = async (): Promise<void> => {
    for (const { limit, key, startedBlock } of taken) await limits[limit].refund(key, startedBlock);
  };
  for (const counter of passwordCounters(attempt)) {
    const res = await limits[counter.limit].consume(counter.key);
    if (!res.allowed) {
      await giveBack();
      return { ok: false, limit: counter.limit, retryAfterMs: res.retryAfterMs };
    }
    taken.push({ ...counter, startedBlock: res.blockedForMs !== undefined });
  }
  return {
    ok: true,
    exhausted: taken.filter((t) => t.startedBlock).map((t) => t.limit),
    async succeeded() {
      for (const { limit, key, startedBlock } of taken) {
        // The browser's own count (this address, or this device) starts afresh; the
        // account-wide and address counts keep others' failures and give back this one.
        if (limit === "accountAddress" || limit === "device") await limits[limit].reset(key);
        else await limits[limit].refund(key, startedBlock);
      }
    },
    giveBack,
  };
}
