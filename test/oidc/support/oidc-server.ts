// Vestibule's real app (createSystem + buildApp: helmet, CSRF hook, error pages, the
// provider mounted at /oidc by buildApp, the real sign-in pages), listening on loopback.
// PUBLIC_URL is a name that does not resolve; the tests' fetch maps it to the server, so
// every URL the provider emits is checked to be PUBLIC_URL's, never the Host the request
// really carried.
//
// Users have real (cheaply hashed) passwords and, by default, a confirmed authenticator
// app; the relying party's browser signs in through /login and /login/verify like a
// person (relying-party.ts). The clock is real time plus an offset the tests grow: each
// code is taken in a new time step, since a step is accepted once per user.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config.js";
import { setEnabledMethods } from "../../../src/core/policy.js";
import type { Method, Role } from "../../../src/core/ports/runtime.js";
import type { User } from "../../../src/core/ports/users.js";
import { totpSecretAad } from "../../../src/core/secrets.js";
import { generateTotp, generateTotpSecret } from "../../../src/core/totp.js";
import type { OidcStorage } from "../../../src/oidc/adapter.js";
import { addClient, type NewClient } from "../../../src/oidc/clients.js";
import type { Oidc } from "../../../src/oidc/provider.js";
import { oidcBox } from "../../../src/oidc/sealing.js";
import { createSystem, type System, systemRandom } from "../../../src/system.js";
import { OIDC_SIGNIN_PATH } from "../../../src/web/oidc-seam.js";
import { storeConfirmedAuthenticator } from "../../support/authenticator.js";
import { type FixedClock, movingClock } from "../../support/harness.js";
import { CookieBrowser, type Fetch, mappedFetch, rawFetch } from "./browser-jar.js";

export const PUBLIC_URL = "https://sso.vestibule.test";
export const ISSUER = `${PUBLIC_URL}/oidc`;
/** Where the provider sends a browser to sign in (the real entry page). */
export const LOGIN_PATH = OIDC_SIGNIN_PATH;
export const TEST_PASSWORD = "quartz meadow kettle violin";

export interface OidcServerOptions {
  /** A reachable PUBLIC_URL (http://127.0.0.1:PORT, for a real browser): the server listens on its port. */
  publicUrl?: string;
  /** postgres://… for PostgreSQL; a fresh SQLite file when absent. */
  databaseUrl?: string;
  secretKey?: string;
  /** More environment (TRUST_PROXY, …). */
  env?: Record<string, string>;
  wrapStorage?: (storage: OidcStorage) => OidcStorage;
  /** Called before Vestibule's own middleware is added to the provider (a test's Koa middleware). */
  beforeMount?: (oidc: Oidc) => void;
}

/** A user the tests sign in as: the password, and the authenticator's key when it has one. */
export interface TestUser extends User {
  password: string;
  secret?: string;
}

export interface OidcServer {
  /** The real address, http://127.0.0.1:PORT. */
  url: string;
  /** PUBLIC_URL (the name the browser and the relying party use). */
  publicUrl: string;
  system: System;
  oidc: Oidc;
  clock: FixedClock;
  /** fetch with PUBLIC_URL mapped to this server. */
  fetch: Fetch;
  /** Faults the provider reported (answered 500); the tests expect none. */
  serverErrors: string[];
  browser(): CookieBrowser;
  /** A user with a password and (unless `app: false`) a confirmed authenticator app. */
  addUser(
    username: string,
    role?: Role,
    email?: string | null,
    options?: { app?: boolean; mustChange?: boolean },
  ): Promise<TestUser>;
  /** The enabled second factors ([] turns them off: password-only sign-ins). */
  methods(list: Method[]): Promise<void>;
  /** The authenticator's code in a fresh time step (the clock moves on 30 s). */
  nextCode(user: TestUser): string;
  addClient(client: Partial<NewClient>): Promise<{ clientId: string; clientSecret?: string }>;
  /** Builds the provider again on the same database, as a restart does (new keys read). */
  restart(): Promise<OidcServer>;
  close(): Promise<void>;
}

export const TEST_SECRET = `oidc-test-${randomBytes(24).toString("base64url")}`;

export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const dir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), "vestibule-oidc-"));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir!, "vestibule.db")}`;
  return start({ ...options, databaseUrl }, dir, movingClock());
}

async function start(
  options: OidcServerOptions & { databaseUrl: string },
  dir: string | undefined,
  clock: FixedClock,
) {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: options.databaseUrl,
    SECRET_KEY: options.secretKey ?? TEST_SECRET,
    PUBLIC_URL: options.publicUrl ?? PUBLIC_URL,
    LOG_LEVEL: "silent",
    VESTIBULE_TEST_CHEAP_HASH: "1",
    ...options.env,
  });
  const serverErrors: string[] = [];
  const system = await createSystem(config, {
    clock,
    oidc: {
      onServerError: (err) => {
        serverErrors.push(`${err.name}: ${err.message}`);
      },
      ...(options.wrapStorage ? { wrapStorage: options.wrapStorage } : {}),
      ...(options.beforeMount ? { beforeMount: options.beforeMount } : {}),
    },
  });
  const { oidc } = await system.oidc();
  const app = await system.buildApp();
  const port = options.publicUrl ? Number(new URL(options.publicUrl).port) : 0;
  const url = (await app.listen({ port, host: "127.0.0.1" })).replace(/\/+$/, "");
  const publicUrl = options.publicUrl ?? PUBLIC_URL;
  const serverFetch = mappedFetch(publicUrl, url);
  const clientBox = oidcBox(config.secretKeys, "oidc-client-secret", systemRandom);
  const server: OidcServer = {
    url,
    publicUrl,
    system,
    oidc,
    clock,
    fetch: serverFetch,
    serverErrors,
    browser: () => new CookieBrowser(mappedFetch(publicUrl, url, rawFetch), publicUrl),
    async addUser(username, role = "user", email = `${username}@example.org`, o = {}) {
      const user = await system.stores.users.create(
        {
          username,
          role,
          email,
          passwordHash: await system.hasher.hash(TEST_PASSWORD),
          mustChangePassword: o.mustChange ?? false,
        },
        randomUUID(),
        clock.now(),
      );
      if (!user) throw new Error(`user ${username} exists`);
      if (o.app === false) return { ...user, password: TEST_PASSWORD };
      const secret = generateTotpSecret(systemRandom);
      const sealed = system.core.box.seal(secret, totpSecretAad(user.id));
      // Confirmed as if long ago: step 0 is older than any code the test will use.
      if (!(await storeConfirmedAuthenticator(system.stores, user.id, sealed, 0, clock.now()))) {
        throw new Error(`could not enrol an authenticator for ${username}`);
      }
      return { ...user, password: TEST_PASSWORD, secret };
    },
    methods: (list) => setEnabledMethods(system.stores.settings, list),
    nextCode(user) {
      if (!user.secret) throw new Error(`${user.username} has no authenticator`);
      clock.advance(30_000);
      return generateTotp(user.secret, clock.now());
    },
    addClient: (client) =>
      addClient(
        { db: system.database.db, box: clientBox, random: systemRandom },
        {
          name: client.name ?? "Test application",
          redirectUris: client.redirectUris ?? ["https://app.example.test/callback"],
          postLogoutRedirectUris: client.postLogoutRedirectUris ?? [
            "https://app.example.test/signed-out",
          ],
          public: client.public ?? false,
          requireMfa: client.requireMfa ?? false,
        },
        Date.now(),
      ),
    async restart() {
      await app.close();
      await system.close();
      return start(options, dir, clock);
    },
    async close() {
      await app.close();
      await system.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
