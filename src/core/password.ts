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

export class HasherBusyError extends Error {
  override readonly name = "HasherBusyError";
}

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
  memoryCost?: number;
  timeCost?: number;
}

/**
 * argon2id on libuv's thread pool (never the event loop), behind a cap: a login flood
 * gets HasherBusyError quickly instead of a growing queue of 19 MiB allocations.
 */
export async function createPasswordHasher(options: HasherOptions = {}): Promise<PasswordHasher> {
  const argon = {
    ...ARGON2_OPTIONS,
    memoryCost: options.memoryCost ?? ARGON2_OPTIONS.memoryCost,
    timeCost: options.timeCost ?? ARGON2_OPTIONS.timeCost,
  };
  const gate = createGate(options.maxConcurrent ?? availableParallelism(), options.maxQueued ?? 64);
  const dummyHash = await hash("vestibule dummy password", argon);

  const hasher: PasswordHasher = {
    hash: (password) => gate.run(() => hash(password, argon)),
    verify: (passwordHash, password) =>
      gate.run(async () => {
        try {
          return await verify(passwordHash, password);
        } catch {
          return false;
        }
      }),
    async verifyDummy(password) {
      await hasher.verify(dummyHash, password);
    },
  };
  return hasher;
}

interface Gate {
  run<T>(task: () => Promise<T>): Promise<T>;
}

function createGate(maxConcurrent: number, maxQueued: number): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(task) {
      if (running >= maxConcurrent) {
        if (waiting.length >= maxQueued) throw new HasherBusyError("password hasher is saturated");
        // The slot is handed over by release(), so `running` stays counted.
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
