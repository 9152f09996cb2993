// The one test harness: a Vestibule (createSystem + buildApp) on a temp SQLite file or a
// PostgreSQL database, with a clock the test moves, users made with the real hasher, and
// browsers that drive the forms in process (app.inject) — or, with `listen`, the real
// server on 127.0.0.1 for a real browser. Several harnesses on one database are several
// instances behind a load balancer (BalancedBrowser).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { loadConfig } from "../../src/config.js";
import { setEnabledMethods } from "../../src/core/policy.js";
import type { Clock, Method, Role } from "../../src/core/ports/runtime.js";
import type { User } from "../../src/core/ports/users.js";
import { totpSecretAad } from "../../src/core/secrets.js";
import { generateTotp, generateTotpSecret } from "../../src/core/totp.js";
import { createSystem, type System, type SystemOverrides, systemRandom } from "../../src/system.js";
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

/**
 * Real time plus an offset the test can grow, for a real browser (whose cookies expire
 * by the wall clock): a TOTP step can be left behind without sleeping.
 */
export function movingClock(): FixedClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    set: (ms) => {
      offsetMs = ms - Date.now();
    },
    advance: (ms) => {
      offsetMs += ms;
    },
  };
}

export const TEST_SECRET_KEY = "test-secret-key-0123456789abcdefghijklmnopqrstuv";
export const DEFAULT_PASSWORD = "violet staple orbit lantern";

export interface HarnessOptions {
  /** Enabled second-factor methods (stored setting); the installation default when absent. */
  methods?: Method[];
  /** A fixed clock by default; movingClock() for a real browser. */
  clock?: FixedClock;
  /** Environment on top of the test defaults (DATABASE_URL, LIMIT_*, PUBLIC_URL, …). */
  env?: Record<string, string>;
  /**
   * Listen on 127.0.0.1 for a real browser (on PUBLIC_URL's port when it names one, else a
   * free port); in-process inject only otherwise.
   */
  listen?: boolean;
  /** Capture log lines here (set LOG_LEVEL in env, e.g. "debug"). */
  logStream?: { write(line: string): void };
  /** Fault injection at the adapter boundary (wrapStores, wrapLimits) or a memory limiter. */
  overrides?: Omit<SystemOverrides, "clock">;
}

export interface AddUserOptions {
  role?: Role;
  password?: string;
  email?: string | null;
  phone?: string | null;
  displayName?: string | null;
  mustChange?: boolean;
  active?: boolean;
}

export interface Vestibule {
  app: FastifyInstance;
  system: System;
  clock: FixedClock;
  /** "http://127.0.0.1:PORT" with `listen`, else "". */
  url: string;
  addUser(username: string, options?: AddUserOptions): Promise<User>;
  /** Gives the user a confirmed authenticator (as if set up long ago); returns its base32 secret. */
  enrolApp(user: User): Promise<string>;
  /** The code an authenticator app shows now (± steps), by the app's clock. */
  totp(secret: string, offsetSteps?: number): string;
  /** The code an authenticator app shows at a time. */
  totpAt(secret: string, atMs?: number): string;
  browser(ip?: string): Browser;
  /** A browser signed all the way in (password, then an app code). */
  signIn(username: string, secret?: string, password?: string, ip?: string): Promise<Browser>;
  close(): Promise<void>;
}

/** Starts one Vestibule. Without DATABASE_URL in `env`, on a fresh SQLite file. */
export async function startVestibule(options: HarnessOptions = {}): Promise<Vestibule> {
  const dir = options.env?.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), "vestibule-"));
  const config = loadConfig({
    NODE_ENV: "test",
    ...(dir ? { DATABASE_URL: `sqlite:${join(dir, "vestibule.db")}` } : {}),
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const clock = options.clock ?? fixedClock();
  const removeDir = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  let system: System;
  let app: FastifyInstance;
  let url = "";
  try {
    system = await createSystem(config, { ...options.overrides, clock });
    if (options.methods) await setEnabledMethods(system.stores.settings, options.methods);
    app = await system.buildApp(options.logStream ? { logStream: options.logStream } : {});
    if (options.listen) {
      // A PUBLIC_URL with a port (a server that must know its address first) is listened on.
      const port = Number(URL.parse(options.env?.PUBLIC_URL ?? "")?.port || 0);
      url = (await app.listen({ port, host: "127.0.0.1" })).replace(/\/+$/, "");
    } else {
      await app.ready();
    }
  } catch (err) {
    removeDir();
    throw err;
  }

  const v: Vestibule = {
    app,
    system,
    clock,
    url,
    async addUser(username, o = {}) {
      const { users } = system.stores;
      const user = await users.create(
        {
          username,
          role: o.role ?? "user",
          email: o.email ?? null,
          phone: o.phone ?? null,
          displayName: o.displayName ?? null,
          passwordHash: await system.hasher.hash(o.password ?? DEFAULT_PASSWORD),
          mustChangePassword: o.mustChange ?? false,
        },
        randomUUID(),
        clock.now(),
      );
      if (!user) throw new Error(`test user ${username} exists already`);
      if (o.active === false) await users.update(user.id, { active: false });
      return (await users.findById(user.id)) ?? user;
    },
    async enrolApp(user) {
      const secret = generateTotpSecret(systemRandom);
      const sealed = system.core.box.seal(secret, totpSecretAad(user.id));
      // Confirmed as if long ago: step 0 is older than any code the test will use.
      const done = await storeConfirmedAuthenticator(
        system.stores,
        user.id,
        sealed,
        0,
        clock.now(),
      );
      if (!done) throw new Error(`could not enrol an authenticator for ${user.username}`);
      return secret;
    },
    totp: (secret, offsetSteps = 0) => generateTotp(secret, clock.now() + offsetSteps * 30_000),
    totpAt: (secret, atMs = clock.now()) => generateTotp(secret, atMs),
    browser: (ip) => new Browser(app, ip),
    async signIn(username, secret, password = DEFAULT_PASSWORD, ip) {
      const b = new Browser(app, ip);
      await b.get("/login");
      const res = await b.post("/login", { username, password });
      if (res.statusCode !== 303) throw new Error(`password step gave ${res.statusCode}`);
      if (location(res) === "/") return b;
      if (!secret) throw new Error(`sign-in went to ${location(res)}; pass the app secret`);
      await b.get(location(res));
      const done = await b.post("/login/verify", { code: v.totp(secret) });
      if (location(done) !== "/") throw new Error(`verify gave ${done.statusCode} ${done.body}`);
      return b;
    },
    async close() {
      await app.close();
      await system.close();
      removeDir();
    },
  };
  return v;
}

export function location(res: LightMyRequestResponse): string {
  const value = res.headers.location;
  return typeof value === "string" ? value : "";
}

/**
 * Save on the set-up screen answers with the new recovery codes, shown once (issue 11):
 * where its "sign in again" link goes, or "" when the response is not that page.
 */
export function continueAfterSave(res: LightMyRequestResponse): string {
  if (res.statusCode !== 200 || recoveryCodesOf(res.body).length !== 10) return "";
  return /<a class="button" href="([^"]*)">/.exec(res.body)?.[1]?.replace(/&amp;/g, "&") ?? "";
}

/** The recovery codes listed on the page shown after Save. */
export function recoveryCodesOf(html: string): string[] {
  const list = /<ol class="recovery-codes"[^>]*>(.*?)<\/ol>/s.exec(html)?.[1] ?? "";
  return [...list.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => m[1]!);
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

/**
 * One browser: a cookie jar and the last HTML page it was shown. Its requests go to one
 * app, or — behind a load balancer — to the app the test names for each request.
 */
export class Browser {
  readonly jar = new Map<string, string>();
  html = "";
  /** Which app the next request goes to (BalancedBrowser). */
  private target = 0;

  constructor(
    readonly app: FastifyInstance | FastifyInstance[],
    readonly ip = "127.0.0.1",
  ) {}

  /** Sends the following requests to app `index` (several instances). */
  on(index: number): this {
    this.target = index;
    return this;
  }

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
    const apps = Array.isArray(this.app) ? this.app : [this.app];
    const res = await apps[this.target % apps.length]!.inject({
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

/**
 * One browser behind a load balancer: one cookie jar, and each request goes to the
 * instance the test names.
 */
export class BalancedBrowser {
  private readonly browser: Browser;

  constructor(instances: Vestibule[], ip = "127.0.0.1") {
    this.browser = new Browser(
      instances.map((i) => i.app),
      ip,
    );
  }

  get jar(): Map<string, string> {
    return this.browser.jar;
  }

  get html(): string {
    return this.browser.html;
  }

  get(index: number, url: string): Promise<LightMyRequestResponse> {
    return this.browser.on(index).get(url);
  }

  post(index: number, url: string, fields: FormFields): Promise<LightMyRequestResponse> {
    return this.browser.on(index).post(url, fields);
  }

  /** Login page and password on instance `index`; returns where it leads. */
  async password(index: number, username: string, password = DEFAULT_PASSWORD): Promise<string> {
    await this.get(index, "/login");
    const res = await this.post(index, "/login", { username, password });
    return location(res) || String(res.statusCode);
  }
}

/** Adds a user with the real hasher and a confirmed authenticator; returns its secret. */
export async function addEnrolledUser(
  v: Vestibule,
  username = `u${randomUUID().slice(0, 8)}`,
): Promise<{ user: User; secret: string }> {
  await setEnabledMethods(v.system.stores.settings, ["app"]);
  const user = await v.addUser(username);
  return { user, secret: await v.enrolApp(user) };
}
