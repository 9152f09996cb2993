import { randomBytes, randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { type Audit, createAudit } from "./core/audit.js";
import type { CodeDeps } from "./core/codes.js";
import { createPasswordHasher, type PasswordHasher } from "./core/password.js";
import type { Clock, Limiter, Limits, Random, Store } from "./core/ports.js";
import type { SecondFactorDeps } from "./core/second-factor.js";
import { createSecretBox, deriveKey, keyId } from "./core/secrets.js";
import { missingProvider } from "./delivery/config.js";
import { codeEmail, codeSms } from "./delivery/messages.js";
import { createDelivery, type Delivery, withNotifications } from "./delivery/wire.js";
import { type LimitStore, openLimitStore } from "./limits/backend.js";
import {
  createLimiter,
  createLimits,
  type LimitBackend,
  type LimitRule,
} from "./limits/rate-limits.js";
import { createSendQuota } from "./limits/send-quota.js";
import { createStaffParts, type StaffParts } from "./staff-system.js";
import { migrate, type OpenedDatabase, openDatabase } from "./store/open.js";
import { buildApp } from "./web/app.js";
import { cookieNames, type WebKit } from "./web/http.js";
import { createCodeRoutes } from "./web/routes/codes.js";

export const systemClock: Clock = { now: () => Date.now() };
export const systemRandom: Random = {
  bytes: (length) => randomBytes(length),
  int: (maxExclusive) => randomInt(maxExclusive),
};

export interface System {
  config: Config;
  database: OpenedDatabase;
  store: Store;
  limits: Limits;
  /** Where the counters live (Redis, the database, memory); see limits/backend.ts. */
  limitStore: LimitStore;
  /** A further limiter (e.g. send quotas) on the same backend as `limits`. */
  makeLimiter(name: string, rule: LimitRule): Limiter;
  hasher: PasswordHasher;
  audit: Audit;
  core: SecondFactorDeps;
  kit: WebKit;
  /** Supervision and user management (core deps, staff routes); see staff-system.ts. */
  staff: StaffParts;
  /** Email/SMS providers, or the development outbox (delivery/wire.ts). */
  delivery: Delivery;
  /** The core with email/SMS codes (core/codes.ts). */
  codeCore: CodeDeps;
  /** `logStream` lets tests capture the log lines. */
  buildApp(options?: { logStream?: { write(line: string): void } }): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export interface SystemOverrides {
  clock?: Clock;
  random?: Random;
  limitBackend?: LimitBackend;
}

/** Config → store, limits, hasher, core and web, wired. Used by main.ts, the CLI and tests. */
export async function createSystem(
  config: Config,
  overrides: SystemOverrides = {},
): Promise<System> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? systemRandom;
  const database = openDatabase(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    queryTimeoutMs: config.databaseQueryTimeoutMs,
  });
  await migrate(database);
  const store = database.store;
  const limitStore: LimitStore = overrides.limitBackend
    ? {
        backend: overrides.limitBackend,
        kind: "memory",
        ping: async () => {},
        ready: async () => {},
        close: async () => {},
      }
    : openLimitStore(config, database, (message) => {
        if (config.logLevel !== "silent") process.stderr.write(`vestibule: ${message}\n`);
      });
  await limitStore.ready();
  const limits = createLimits(config.limits, limitStore.backend);
  const hasher = await createPasswordHasher(config.hasher);
  const delivery = createDelivery(config.delivery, clock);
  const audit = delivery.mailer
    ? withNotifications(createAudit(store, clock), {
        store,
        mailer: delivery.mailer,
        appName: config.appName,
        lockMinutes: Math.ceil(config.limits.secondFactor.blockSeconds / 60),
        clock,
      })
    : createAudit(store, clock);
  const boxKeys = config.secretKeys.map((secret) => {
    const key = deriveKey(secret, "totp-secret-box");
    return { id: keyId(key), key };
  });
  const core: SecondFactorDeps = {
    store,
    hasher,
    limits,
    clock,
    random,
    audit,
    box: createSecretBox(boxKeys, random),
    appName: config.appName,
    settings: {
      challengeTtlMs: config.challengeTtlMs,
      sessionTtlMs: config.sessionTtlMs,
      maxWrongCodesPerChallenge: config.maxWrongCodesPerChallenge,
      passwordRules: config.passwordRules,
    },
  };
  const kit: WebKit = {
    names: cookieNames(config.secureCookies),
    secure: config.secureCookies,
    csrfKey: deriveKey(config.secretKeys[0]!, "csrf"),
    appName: config.appName,
  };
  // The mailer (when set) tells a user that Force New Password reset their sign-in.
  const staff = createStaffParts({
    config,
    store,
    limits,
    clock,
    audit,
    hasher,
    kit,
    mailer: delivery.mailer,
    mailerReachesUsers: delivery.smtpConfigured,
    methodsProblem: (methods) => missingProvider(config.delivery, methods, config.production),
  });
  const codeCore: CodeDeps = {
    ...core,
    mailer: delivery.mailer,
    sms: delivery.sms,
    quota: createSendQuota(config.delivery.sendRules, limitStore.backend),
    codeKey: deriveKey(config.secretKeys[0]!, "code-hmac"),
    codeTtlMs: config.delivery.codeTtlMs,
    messages: { email: (input) => codeEmail("en", input), sms: (input) => codeSms("en", input) },
  };
  const codes = createCodeRoutes({ kit, core: codeCore, outbox: delivery.outbox });
  return {
    config,
    database,
    store,
    limits,
    hasher,
    audit,
    core,
    kit,
    staff,
    delivery,
    codeCore,
    limitStore,
    makeLimiter: (name, rule) => createLimiter(name, rule, limitStore.backend),
    buildApp: (options = {}) =>
      buildApp({
        kit,
        core,
        store,
        trustProxy: config.trustProxy,
        logLevel: config.logLevel,
        homeLinks: staff.homeLinks,
        plugins: [staff.routes, codes.plugin],
        codeOptions: codes.codeOptions,
        verifyCode: codes.verifyCode,
        enteredVerify: codes.enteredVerify,
        healthChecks: limitStore.kind === "redis" ? { redis: limitStore.ping } : {},
        ...options,
      }),
    close: async () => {
      await limitStore.close();
      await store.close();
    },
  };
}
