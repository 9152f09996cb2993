// The core tier's fixture: the real core (flow, factors, attempts, stores) on SQLite in
// memory, limits in memory, a fixed clock, a seeded random source and a cheap argon2id,
// so a core test runs in milliseconds without HTTP. Messages go to the development outbox.
import { createHash, randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { type LoadedFlow, loadFlow } from "../../src/core/flow/flow.js";
import { submitPassword } from "../../src/core/flow/password.js";
import { createPasswordHasher } from "../../src/core/password.js";
import { setEnabledMethods } from "../../src/core/policy.js";
import type { Method, Random, Role } from "../../src/core/ports/runtime.js";
import type { User } from "../../src/core/ports/users.js";
import { totpSecretAad } from "../../src/core/secrets.js";
import { generateTotp, generateTotpSecret } from "../../src/core/totp.js";
import { type Core, createSystem, type System } from "../../src/system.js";
import { storeConfirmedAuthenticator } from "./authenticator.js";
import { DEFAULT_PASSWORD, type FixedClock, fixedClock, TEST_SECRET_KEY } from "./harness.js";

/** A deterministic random source: the same seed gives the same bytes, run after run. */
export function seededRandom(seed = "vestibule"): Random {
  let counter = 0;
  const next = (): Buffer => createHash("sha256").update(`${seed}:${counter++}`).digest();
  return {
    bytes(length) {
      const chunks: Buffer[] = [];
      let have = 0;
      while (have < length) {
        const chunk = next();
        chunks.push(chunk);
        have += chunk.length;
      }
      return Buffer.concat(chunks).subarray(0, length);
    },
    int(maxExclusive) {
      return next().readUInt32BE(0) % maxExclusive;
    },
  };
}

export interface CoreFixture {
  core: Core;
  system: System;
  clock: FixedClock;
  addUser(
    username: string,
    options?: { role?: Role; email?: string; phone?: string; mustChange?: boolean },
  ): Promise<User>;
  /** A confirmed authenticator; returns its base32 secret. */
  enrolApp(user: User): Promise<string>;
  totp(secret: string, offsetSteps?: number): string;
  /** The password step, as Login does it: the flow it leads to. */
  passwordStep(username: string): Promise<LoadedFlow>;
  /** The last message the development outbox holds for `to`. */
  lastMessage(to: string): string | undefined;
  close(): Promise<void>;
}

export async function coreFixture(
  options: { methods?: Method[]; env?: Record<string, string> } = {},
): Promise<CoreFixture> {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: "sqlite::memory:",
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const clock = fixedClock();
  // The cheapest argon2id the library takes: the rules are tested here, not the hash.
  const hasher = await createPasswordHasher({ memoryCost: 8, timeCost: 1 });
  const system = await createSystem(config, {
    clock,
    random: seededRandom(),
    limitBackend: { kind: "memory" },
    hasher,
  });
  if (options.methods) await setEnabledMethods(system.stores.settings, options.methods);
  return {
    core: system.core,
    system,
    clock,
    async addUser(username, o = {}) {
      const user = await system.stores.users.create(
        {
          username,
          role: o.role ?? "user",
          email: o.email ?? null,
          phone: o.phone ?? null,
          passwordHash: await hasher.hash(DEFAULT_PASSWORD),
          mustChangePassword: o.mustChange ?? false,
        },
        randomUUID(),
        clock.now(),
      );
      if (!user) throw new Error(`user ${username} exists`);
      return user;
    },
    async enrolApp(user) {
      const secret = generateTotpSecret(seededRandom(user.id));
      const sealed = system.core.box.seal(secret, totpSecretAad(user.id));
      await storeConfirmedAuthenticator(system.stores, user.id, sealed, 0, clock.now());
      return secret;
    },
    totp: (secret, offsetSteps = 0) => generateTotp(secret, clock.now() + offsetSteps * 30_000),
    async passwordStep(username) {
      const next = await submitPassword(system.core, {
        username,
        password: DEFAULT_PASSWORD,
        ip: "192.0.2.1",
      });
      const loaded = next.ok && next.kind === "flow" && (await loadFlow(system.core, next.token));
      if (!loaded) throw new Error(`the password step of ${username} led to no flow`);
      return loaded;
    },
    lastMessage: (to) => system.delivery.outbox?.list().find((m) => m.to === to)?.body,
    close: () => system.close(),
  };
}
