// In-process app for HTTP tests: createSystem + buildApp on a temp SQLite file, a
// fixed clock the test sets, users made with the real hasher, and a tiny "browser"
// that drives the forms through app.inject (cookie jar, _csrf from the last page).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { loadConfig } from "../../src/config.js";
import { setEnabledMethods } from "../../src/core/policy.js";
import type { Clock, Method, Role, User } from "../../src/core/ports.js";
import { totpSecretAad } from "../../src/core/secrets.js";
import { generateTotp, generateTotpSecret } from "../../src/core/totp.js";
import { createSystem, type System, systemRandom } from "../../src/system.js";
import { storeConfirmedAuthenticator } from "./authenticator.js";

/** A clock that stands still until the test moves it. */
export interface FixedClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** 2030-01-01T00:00:10Z: 10 s into a TOTP step, so ±1 step stays well inside the window. */
export const DEFAULT_START_MS = Date.UTC(2030, 0, 1, 0, 0, 10);

export function fixedClock(startMs = DEFAULT_START_MS): FixedClock {
  let now = startMs;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export const TEST_SECRET_KEY = "test-secret-key-0123456789abcdefghijklmnopqrstuv";
export const DEFAULT_PASSWORD = "violet staple orbit lantern";

export interface TestAppOptions {
  /** Enabled second-factor methods (stored setting); the installation default when absent. */
  methods?: Method[];
  clock?: FixedClock;
  /** Environment on top of the test defaults (LIMIT_*, PUBLIC_URL, HASH_*, …). */
  env?: Record<string, string>;
  /** Capture log lines here (set LOG_LEVEL in env, e.g. "debug"). */
  logStream?: { write(line: string): void };
}

export interface AddUserOptions {
  role?: Role;
  password?: string;
  email?: string | null;
  phone?: string | null;
  mustChange?: boolean;
  active?: boolean;
}

export interface TestApp {
  app: FastifyInstance;
  system: System;
  clock: FixedClock;
  dir: string;
  addUser(username: string, options?: AddUserOptions): Promise<User>;
  /** Gives the user a confirmed authenticator; returns its base32 secret. */
  enrolApp(user: User): Promise<string>;
  /** The code an authenticator app shows now, by the app's clock. */
  totp(secret: string, offsetSteps?: number): string;
  browser(ip?: string): Browser;
  /** A browser signed all the way in (password, then an app code). */
  signIn(username: string, secret?: string, password?: string, ip?: string): Promise<Browser>;
  close(): Promise<void>;
}

export async function makeTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "vestibule-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: `sqlite:${join(dir, "vestibule.db")}`,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const clock = options.clock ?? fixedClock();
  const system = await createSystem(config, { clock });
  if (options.methods) await setEnabledMethods(system.store, options.methods);
  const app = await system.buildApp(options.logStream ? { logStream: options.logStream } : {});
  await app.ready();

  const t: TestApp = {
    app,
    system,
    clock,
    dir,
    async addUser(username, o = {}) {
      const user = await system.store.createUser(
        {
          username,
          role: o.role ?? "user",
          email: o.email ?? null,
          phone: o.phone ?? null,
          passwordHash: await system.hasher.hash(o.password ?? DEFAULT_PASSWORD),
          mustChangePassword: o.mustChange ?? false,
        },
        randomUUID(),
        clock.now(),
      );
      if (!user) throw new Error(`test user ${username} exists already`);
      if (o.active === false) await system.store.updateUser(user.id, { active: false });
      return (await system.store.findUserById(user.id)) ?? user;
    },
    async enrolApp(user) {
      const secret = generateTotpSecret(systemRandom);
      const { store, core } = system;
      const sealed = core.box.seal(secret, totpSecretAad(user.id));
      // Confirmed as if long ago: step 0 is older than any code the test will use.
      await storeConfirmedAuthenticator(store, user.id, sealed, 0, clock.now());
      return secret;
    },
    totp: (secret, offsetSteps = 0) => generateTotp(secret, clock.now() + offsetSteps * 30_000),
    browser: (ip) => new Browser(app, ip),
    async signIn(username, secret, password = DEFAULT_PASSWORD, ip) {
      const b = new Browser(app, ip);
      await b.get("/login");
      const res = await b.post("/login", { username, password });
      if (res.statusCode !== 303) throw new Error(`password step gave ${res.statusCode}`);
      if (location(res) === "/") return b;
      if (!secret) throw new Error(`sign-in went to ${location(res)}; pass the app secret`);
      await b.get(location(res));
      const done = await b.post("/login/verify", { code: t.totp(secret) });
      if (location(done) !== "/") throw new Error(`verify gave ${done.statusCode} ${done.body}`);
      return b;
    },
    async close() {
      await app.close();
      await system.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export function location(res: LightMyRequestResponse): string {
  const value = res.headers.location;
  return typeof value === "string" ? value : "";
}

/** The hidden _csrf field of a page, "" when there is none. */
export function csrfOf(html: string): string {
  return /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? "";
}

/** The manual-entry key on the set-up page, spaces removed. */
export function manualKeyOf(html: string): string | undefined {
  return /<code class="key" id="manual-key">([^<]*)<\/code>/.exec(html)?.[1]?.replace(/\s+/g, "");
}

export type FormFields = Record<string, string | string[]>;

export function encodeForm(fields: FormFields): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
  }
  return params.toString();
}

/** One browser: a cookie jar and the last HTML page it was shown. */
export class Browser {
  readonly jar = new Map<string, string>();
  html = "";

  constructor(
    readonly app: FastifyInstance,
    readonly ip = "127.0.0.1",
  ) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(
    method: "GET" | "POST",
    url: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const cookie = this.cookieHeader();
    if (cookie && headers.cookie === undefined) headers.cookie = cookie;
    const res = await this.app.inject({
      method,
      url,
      headers,
      remoteAddress: this.ip,
      ...(options.body === undefined ? {} : { payload: options.body }),
    });
    for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
      const gone = c.value === "" || (c.expires !== undefined && c.expires.getTime() <= Date.now());
      if (gone) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    if (String(res.headers["content-type"] ?? "").startsWith("text/html")) this.html = res.body;
    return res;
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.request("GET", url);
  }

  /** Posts a urlencoded form; the _csrf of the last page unless `csrf` says otherwise. */
  post(
    url: string,
    fields: FormFields,
    options: { csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = options.csrf === undefined ? csrfOf(this.html) : options.csrf;
    const body = encodeForm(csrf === null ? fields : { _csrf: csrf, ...fields });
    return this.request("POST", url, {
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }

  /** Follows a 3xx with a GET, as a browser would. */
  async follow(res: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    const to = location(res);
    if (res.statusCode < 300 || res.statusCode >= 400 || !to) {
      throw new Error(`not a redirect: ${res.statusCode}`);
    }
    return this.get(to);
  }
}
