import { availableParallelism } from "node:os";
import { type Algorithm, hash, verify } from "@node-rs/argon2";

// Algorithm is an ambient const enum; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (the minimum).
export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** How long a sign-in turned away by a full hasher is asked to wait (Retry-After). */
export const BUSY_RETRY_AFTER_MS = 2000;

export class HasherBusyError extends Error {
  override readonly name = "HasherBusyError";
}

/**
 * Every method normalises the password to NFKC first, so no caller can forget: a password
 * set as "é" (U+00E9) signs in when typed as "e" + U+0301, and full-width or ligature
 * forms match their plain letters (NIST SP 800-63B §3.1.1.2: normalise before hashing).
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the same work as a real verify, so unknown usernames take as long as wrong passwords. */
  verifyDummy(password: string): Promise<void>;
}

export interface HasherOptions {
  /** Hashes computed at once; each holds memoryCost KiB. Default: the core count. */
  maxConcurrent?: number;
  /** Hashes allowed to wait; beyond that we answer "busy" rather than queue forever. */
  maxQueued?: number;
  /**
   * KiB and passes of argon2id. Lower than ARGON2_OPTIONS only for the test suite
   * (config.ts allows it with VESTIBULE_TEST_CHEAP_HASH=1 and NODE_ENV=test, never else).
   */
  memoryCost?: number;
  timeCost?: number;
  /** Told how long each hash waited for a slot, in seconds (the metrics' histogram). */
  onWait?: (seconds: number) => void;
}

/** The production hasher also says how many hashes are waiting (read at each scrape). */
export interface GatedHasher extends PasswordHasher {
  queueDepth(): number;
  /**
   * True when every slot is taken and the queue is at its cap: the next hash would be
   * refused (HasherBusyError). Lets POST /login answer 503 before reading the form.
   */
  saturated(): boolean;
}

/** The form a password is hashed and compared in (UAX #15 compatibility composition). */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/**
 * argon2id on libuv's thread pool (never the event loop), behind a cap: a login flood
 * gets HasherBusyError quickly instead of a growing queue of 19 MiB allocations.
 */
export async function createPasswordHasher(options: HasherOptions = {}): Promise<GatedHasher> {
  const argon = {
    ...ARGON2_OPTIONS,
    memoryCost: options.memoryCost ?? ARGON2_OPTIONS.memoryCost,
    timeCost: options.timeCost ?? ARGON2_OPTIONS.timeCost,
  };
  const gate = createGate(
    options.maxConcurrent ?? availableParallelism(),
    options.maxQueued ?? 64,
    options.onWait,
  );
  const dummyHash = await hash("vestibule dummy password", argon);

  const check = (passwordHash: string, password: string): Promise<boolean> =>
    gate.run(async () => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    });

  const hasher: GatedHasher = {
    queueDepth: () => gate.waiting(),
    saturated: () => gate.full(),
    hash: (password) => gate.run(() => hash(normalizePassword(password), argon)),
    async verify(passwordHash, password) {
      const normalized = normalizePassword(password);
      if (await check(passwordHash, normalized)) return true;
      // Hashes made before passwords were normalised hold the password as typed. Only a
      // password that NFKC changes needs the second try; verifyDummy spends the same.
      return normalized !== password && check(passwordHash, password);
    },
    async verifyDummy(password) {
      await hasher.verify(dummyHash, password);
    },
  };
  return hasher;
}

interface Gate {
  run<T>(task: () => Promise<T>): Promise<T>;
  waiting(): number;
  full(): boolean;
}

function createGate(
  maxConcurrent: number,
  maxQueued: number,
  onWait?: (seconds: number) => void,
): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    waiting: () => waiting.length,
    full: () => running >= maxConcurrent && waiting.length >= maxQueued,
    async run(task) {
      if (running >= maxConcurrent) {
        if (waiting.length >= maxQueued) throw new HasherBusyError("password hasher is saturated");
        // A measurement, not a rule: the monotonic clock, not the injected Clock.
        const queuedAt = performance.now();
        // The slot is handed over by release(), so `running` stays counted.
        await new Promise<void>((resolve) => waiting.push(resolve));
        onWait?.((performance.now() - queuedAt) / 1000);
      } else {
        running++;
        onWait?.(0);
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
