// The real server over real HTTP, for browser tests: createSystem + buildApp + listen on
// 127.0.0.1 port 0, with a temp SQLite database and a clock the test can move forward.
// (In-process `inject` tests have their own helper in test/support/app.ts.)
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { setEnabledMethods } from "../../src/core/policy.js";
import type { Clock, Method, Role, User } from "../../src/core/ports.js";
import { totpSecretAad } from "../../src/core/secrets.js";
import { generateTotp, generateTotpSecret, totpStep } from "../../src/core/totp.js";
import { createSystem, type System, systemRandom } from "../../src/system.js";
import { storeConfirmedAuthenticator } from "./authenticator.js";

/** Real time plus an offset the test can grow, so a TOTP step can be left behind without sleeping. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance: (ms) => {
      offsetMs += ms;
    },
  };
}

export interface ServerOptions {
  /** Environment on top of the defaults below (APP_NAME, limits, …). */
  env?: Record<string, string>;
  /** Enabled second-factor methods (stored setting); the installation default when absent. */
  methods?: Method[];
}

export interface NewTestUser {
  username: string;
  password: string;
  role?: Role;
  email?: string | null;
  phone?: string | null;
  mustChangePassword?: boolean;
}

export interface RunningServer {
  /** "http://127.0.0.1:PORT", no trailing slash. */
  url: string;
  clock: TestClock;
  system: System;
  /** Creates a user through the store with the real argon2 hasher. */
  addUser(user: NewTestUser): Promise<User>;
  /** Gives the user a confirmed authenticator (as if set up long ago); returns its base32 secret. */
  enrolApp(user: User): Promise<string>;
  /** The code an authenticator app shows at a time (now by the server's clock when omitted). */
  totpAt(secret: string, atMs?: number): string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "vestibule-server-"));
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: `sqlite:${join(dir, "vestibule.db")}`,
    SECRET_KEY: randomBytes(48).toString("base64url"),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const clock = createTestClock();
  const system = await createSystem(config, { clock });
  if (options.methods) await setEnabledMethods(system.store, options.methods);
  const app = await system.buildApp();
  let url: string;
  try {
    url = await app.listen({ port: 0, host: "127.0.0.1" });
  } catch (err) {
    await system.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url: url.replace(/\/+$/, ""),
    clock,
    system,
    async addUser(user) {
      const created = await system.store.createUser(
        {
          username: user.username,
          role: user.role ?? "user",
          email: user.email ?? null,
          phone: user.phone ?? null,
          passwordHash: await system.hasher.hash(user.password),
          mustChangePassword: user.mustChangePassword ?? false,
        },
        randomUUID(),
        clock.now(),
      );
      if (!created) throw new Error(`test user "${user.username}" already exists`);
      return created;
    },
    async enrolApp(user) {
      const secret = generateTotpSecret(systemRandom);
      const now = clock.now();
      const sealed = system.core.box.seal(secret, totpSecretAad(user.id));
      // A step well in the past, so every code from now on is newer than the last used.
      const confirmed = await storeConfirmedAuthenticator(
        system.store,
        user.id,
        sealed,
        totpStep(now) - 10,
        now,
      );
      if (!confirmed) throw new Error(`could not enrol an authenticator for ${user.username}`);
      return secret;
    },
    totpAt: (secret, atMs = clock.now()) => generateTotp(secret, atMs),
    async close() {
      await app.close();
      await system.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
