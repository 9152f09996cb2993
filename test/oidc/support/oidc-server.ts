// Vestibule's real app (createSystem + buildApp: helmet, CSRF hook, error pages) with the
// provider mounted by registerOidc, listening on loopback. PUBLIC_URL is a name that does
// not resolve; the tests' fetch maps it to the server, so every URL the provider emits
// is checked to be PUBLIC_URL's, never the Host the request really carried.
//
// The sign-in pages are played by a TEST-ONLY route, GET /test/oidc-login/:uid?account=
// &amr=: it binds the interaction from the browser's cookie (as the real entry page
// must), then finishes it with that login. The real sign-in pages replace it.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config.js";
import type { Role } from "../../../src/core/ports/runtime.js";
import type { User } from "../../../src/core/ports/users.js";
import type { OidcStorage } from "../../../src/oidc/adapter.js";
import { addClient, type NewClient } from "../../../src/oidc/clients.js";
import { finishLogin, finishWithError, interactionDetails } from "../../../src/oidc/interaction.js";
import { registerOidc } from "../../../src/oidc/mount.js";
import { createOidc, type Oidc } from "../../../src/oidc/provider.js";
import { oidcBox } from "../../../src/oidc/sealing.js";
import { createSystem, type System, systemRandom } from "../../../src/system.js";
import { layout } from "../../../src/web/pages.js";
import { CookieBrowser, type Fetch, mappedFetch, rawFetch } from "./browser-jar.js";

export const PUBLIC_URL = "https://sso.vestibule.test";
export const ISSUER = `${PUBLIC_URL}/oidc`;
export const LOGIN_PATH = "/test/oidc-login/";

export interface OidcServerOptions {
  /** A reachable PUBLIC_URL (http://127.0.0.1:PORT, for a real browser): the server listens on its port. */
  publicUrl?: string;
  /** postgres://… for PostgreSQL; a fresh SQLite file when absent. */
  databaseUrl?: string;
  secretKey?: string;
  /** More environment (TRUST_PROXY, …). */
  env?: Record<string, string>;
  wrapStorage?: (storage: OidcStorage) => OidcStorage;
  /** Called before the provider is mounted (a test's own Koa middleware goes in here). */
  beforeMount?: (oidc: Oidc) => void;
}

export interface OidcServer {
  /** The real address, http://127.0.0.1:PORT. */
  url: string;
  system: System;
  oidc: Oidc;
  /** fetch with PUBLIC_URL mapped to this server. */
  fetch: Fetch;
  /** Faults the provider reported (answered 500); the tests expect none. */
  serverErrors: string[];
  browser(): CookieBrowser;
  addUser(username: string, role?: Role, email?: string | null): Promise<User>;
  addClient(client: Partial<NewClient>): Promise<{ clientId: string; clientSecret?: string }>;
  /** Builds the provider again on the same database, as a restart does (new keys read). */
  restart(): Promise<OidcServer>;
  close(): Promise<void>;
}

export const TEST_SECRET = `oidc-test-${randomBytes(24).toString("base64url")}`;

export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const dir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), "vestibule-oidc-"));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir!, "vestibule.db")}`;
  return start({ ...options, databaseUrl }, dir);
}

async function start(options: OidcServerOptions & { databaseUrl: string }, dir?: string) {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: options.databaseUrl,
    SECRET_KEY: options.secretKey ?? TEST_SECRET,
    PUBLIC_URL: options.publicUrl ?? PUBLIC_URL,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const system = await createSystem(config);
  const serverErrors: string[] = [];
  const oidc = await createOidc({
    db: system.database.db,
    publicUrl: config.publicUrl,
    secretKeys: config.secretKeys,
    sessionTtlMs: config.sessionTtlMs,
    clock: system.core.clock,
    random: system.core.random,
    findAccount: async (id) => {
      const user = await system.stores.users.findById(id);
      return user?.active ? user : undefined;
    },
    interactionPath: (uid) => `${LOGIN_PATH}${uid}`,
    page: (title, body) =>
      layout({ appName: config.appName, csrf: "", locale: "en" }, title, body).value,
    onServerError: (err) => {
      serverErrors.push(`${err.name}: ${err.message}`);
    },
    ...(options.wrapStorage ? { wrapStorage: options.wrapStorage } : {}),
  });
  const app = await system.buildApp();
  options.beforeMount?.(oidc);
  await registerOidc(app, oidc);
  app.get<{ Params: { uid: string }; Querystring: Record<string, string | undefined> }>(
    `${LOGIN_PATH}:uid`,
    async (request, reply) => {
      const details = await interactionDetails(oidc, request.raw, reply.raw);
      if (!details || details.uid !== request.params.uid) {
        return reply.code(400).type("text/plain").send("no interaction for this browser");
      }
      const q = request.query;
      if (!q.account && !q.error) {
        return reply
          .type("text/html")
          .send("<!doctype html><title>Test sign-in</title><p>Test sign-in");
      }
      const finished = q.error
        ? await finishWithError(oidc, details.uid, "access_denied", q.error)
        : await finishLogin(oidc, details.uid, {
            accountId: q.account ?? "",
            amr: (q.amr ?? "pwd").split(","),
            authTimeMs: Number(q.at ?? Date.now()),
          });
      if (!finished.ok) return reply.code(400).type("text/plain").send(finished.reason);
      return reply.code(303).header("location", finished.redirectTo).send();
    },
  );
  const port = options.publicUrl ? Number(new URL(options.publicUrl).port) : 0;
  const url = (await app.listen({ port, host: "127.0.0.1" })).replace(/\/+$/, "");
  const publicUrl = options.publicUrl ?? PUBLIC_URL;
  const serverFetch = mappedFetch(publicUrl, url);
  const clientBox = oidcBox(config.secretKeys, "oidc-client-secret", systemRandom);
  const server: OidcServer = {
    url,
    system,
    oidc,
    fetch: serverFetch,
    serverErrors,
    browser: () => new CookieBrowser(mappedFetch(publicUrl, url, rawFetch), publicUrl),
    async addUser(username, role = "user", email = `${username}@example.org`) {
      const user = await system.stores.users.create(
        { username, role, email, passwordHash: "not-used-here", mustChangePassword: false },
        randomUUID(),
        Date.now(),
      );
      if (!user) throw new Error(`user ${username} exists`);
      return user;
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
      return start(options, dir);
    },
    async close() {
      await app.close();
      await system.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
