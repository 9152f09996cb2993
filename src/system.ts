import { randomBytes, randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Config } from "./config.js";
import { type Audit, createAudit } from "./core/audit.js";
import { createAppFactor } from "./core/factors/app.js";
import type { CodeFactorDeps } from "./core/factors/codes.js";
import { createEmailFactor } from "./core/factors/email.js";
import { createRecoveryFactor } from "./core/factors/recovery.js";
import { type Factors, registerFactors } from "./core/factors/registry.js";
import { createSmsFactor } from "./core/factors/sms.js";
import type { FlowDeps } from "./core/flow/flow.js";
import { createPasswordHasher, type PasswordHasher } from "./core/password.js";
import type { Limits } from "./core/ports/limits.js";
import type { Clock, Random } from "./core/ports/runtime.js";
import type { Stores } from "./core/ports/stores.js";
import { createSecretBox, deriveKey, keyId, type SecretBox } from "./core/secrets.js";
import { missingProvider } from "./delivery/config.js";
import { codeEmail, codeSms } from "./delivery/messages.js";
import { createNoticeSender, type NoticeSender } from "./delivery/notices.js";
import { createDelivery, type Delivery, withNotifications } from "./delivery/wire.js";
import { type LimitStore, openLimitStore } from "./limits/backend.js";
import { createLimits, type LimitBackend } from "./limits/rate-limits.js";
import { createSendQuota } from "./limits/send-quota.js";
import { createLog, type Logger, type LogSink } from "./log.js";
import { createMetrics, type Metrics } from "./metrics/metrics.js";
import { timeRedis } from "./metrics/redis.js";
import { timeStores } from "./metrics/stores.js";
import { observeAudit } from "./observe-audit.js";
import { endOidcAccount } from "./oidc/accounts.js";
import type { OidcStorage } from "./oidc/adapter.js";
import type { Oidc } from "./oidc/provider.js";
import type { OidcHooks, OidcParts } from "./oidc/seam.js";
import { createStaffParts, type StaffParts } from "./staff-system.js";
import { migrate, type OpenedDatabase, openDatabase } from "./store/open.js";
import { buildApp } from "./web/app.js";
import { cookieNames, type WebKit } from "./web/http.js";
import { OIDC_SIGNIN_PATH } from "./web/oidc-seam.js";
import { layout } from "./web/pages.js";
import { providerSignOut } from "./web/provider-sign-out.js";

export const systemClock: Clock = { now: () => Date.now() };
export const systemRandom: Random = {
  bytes: (length) => randomBytes(length),
  int: (maxExclusive) => randomInt(maxExclusive),
};

/** Everything the flow and its factors need, assembled once. */
export interface Core extends FlowDeps {
  stores: Stores;
  /** Seals TOTP keys at rest (AES-256-GCM under SECRET_KEY). */
  box: SecretBox;
  appName: string;
  factors: Factors;
  /** A user's sign-ins ended (Sign out): the provider's sessions and tokens end too. */
  onAccountEnded: (userId: string) => Promise<void>;
}

export interface System {
  config: Config;
  database: OpenedDatabase;
  stores: Stores;
  limits: Limits;
  /** Where the counters live (Redis, the database, memory); see limits/backend.ts. */
  limitStore: LimitStore;
  hasher: PasswordHasher;
  audit: Audit;
  core: Core;
  kit: WebKit;
  /** Supervision and user management (core deps, staff routes); see staff-system.ts. */
  staff: StaffParts;
  /** Email/SMS providers, or the development outbox (delivery/wire.ts). */
  delivery: Delivery;
  /** HMAC key of sent codes at rest (tests put a known code on a flow). */
  codeKey: Buffer;
  /** The one JSON logger: requests, security events, start and stop (log.ts). */
  logger: Logger;
  /** What /metrics serves (metrics/metrics.ts). */
  metrics: Metrics;
  /** Sends the notifications queued in the outbox (drain() sends what is due now). */
  notices: NoticeSender;
  /**
   * The OpenID Connect provider, created (and oidc-provider imported) on first use: by
   * main.ts at start, by the first request under /oidc otherwise. CLI commands never load it.
   */
  oidc(): Promise<OidcParts>;
  /** `logStream` lets tests capture the log lines (every line of this system from then on). */
  buildApp(options?: { logStream?: LogSink }): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export interface SystemOverrides {
  clock?: Clock;
  random?: Random;
  limitBackend?: LimitBackend;
  /** Wraps the stores (tests inject faults at the adapter boundary). */
  wrapStores?: (stores: Stores) => Stores;
  /** Wraps the limits (tests inject limiter faults). */
  wrapLimits?: (limits: Limits) => Limits;
  /** A hasher of the tests' own (the core tier's cheap argon2id). */
  hasher?: PasswordHasher;
  /** Where log lines go from the start (the CLI: stderr); stdout otherwise. */
  logStream?: LogSink;
  /** The provider's storage decorated (races), Koa middleware of the tests', its faults seen. */
  oidc?: {
    wrapStorage?: (storage: OidcStorage) => OidcStorage;
    beforeMount?: (oidc: Oidc) => void;
    onServerError?: (err: Error) => void;
  };
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
  const logging = createLog(config.logLevel, overrides.logStream);
  const { logger } = logging;
  const metrics = createMetrics();
  const log = (message: string): void => logger.warn(message);
  // Notifications queued by a committed transaction go out at once (in the background);
  // the sender is made below, once the delivery providers are.
  let afterCommit = (): void => {};
  // Every call timed, every audit event also a log line and a metric once it is in the
  // log (observe-audit.ts: after its transaction commits).
  const stores = observeAudit(
    timeStores(
      withCommitHook(database.stores, overrides.wrapStores, () => afterCommit()),
      metrics.store,
    ),
    logger,
    metrics,
  );
  const limitStore: LimitStore = overrides.limitBackend
    ? {
        backend: overrides.limitBackend,
        kind: "memory",
        ping: async () => {},
        ready: async () => {},
        close: async () => {},
      }
    : openLimitStore(config, database, log);
  if (limitStore.backend.kind === "redis") {
    timeRedis(limitStore.backend.client as Redis, metrics.redis);
  }
  await limitStore.ready();
  const baseLimits = createLimits(
    { password: config.passwordLimits, secondFactor: config.secondFactorLock },
    limitStore.backend,
  );
  const limits = overrides.wrapLimits?.(baseLimits) ?? baseLimits;
  let hasher: PasswordHasher;
  // Whether the next hash would be refused: POST /login answers 503 before its form is read.
  let hashSaturated = (): boolean => false;
  if (overrides.hasher) {
    hasher = overrides.hasher;
  } else {
    const gated = await createPasswordHasher({
      ...config.hasher,
      onWait: (seconds) => metrics.hashWait.observe(seconds),
    });
    metrics.watchHashQueue(() => gated.queueDepth());
    hashSaturated = () => gated.saturated();
    hasher = gated;
  }
  const delivery = createDelivery(config.delivery, clock);
  const plainAudit = createAudit(stores.audit, clock, stores.users);
  const audit =
    delivery.mailer || delivery.sms
      ? withNotifications(plainAudit, {
          stores,
          channels: { email: Boolean(delivery.mailer), sms: Boolean(delivery.sms) },
          appName: config.appName,
          clock,
        })
      : plainAudit;
  // The outbox's sender: what was queued (also by an instance that died, or the CLI) is
  // sent now and retried until it goes (delivery/notices.ts).
  const notices = createNoticeSender({
    outbox: stores.outbox,
    mailer: delivery.mailer,
    sms: delivery.sms,
    clock,
    audit: plainAudit,
    onError: log,
  });
  afterCommit = () => notices.nudge();
  notices.start();
  const boxKeys = config.secretKeys.map((secret) => {
    const key = deriveKey(secret, "totp-secret-box");
    return { id: keyId(key), key };
  });
  const box = createSecretBox(boxKeys, random);

  // The second factors (core/factors/registry.ts).
  const codeKey = deriveKey(config.secretKeys[0]!, "code-hmac");
  const codeDeps: CodeFactorDeps = {
    stores,
    limits,
    quota: createSendQuota(config.delivery.sendRules, limitStore.backend),
    codeKey,
    codeTtlMs: config.delivery.codeTtlMs,
    clock,
    random,
    audit,
  };
  const { mailer, sms } = delivery;
  const appName = config.appName;
  const factors = registerFactors([
    createEmailFactor(
      codeDeps,
      mailer &&
        ((to, code, minutes) =>
          mailer.send({ to, ...codeEmail("en", { appName, code, minutes }) })),
    ),
    createSmsFactor(
      codeDeps,
      sms && ((to, code, minutes) => sms.send(to, codeSms("en", { appName, code, minutes }))),
    ),
    createAppFactor({ stores, box, clock, random, appName, audit }),
    createRecoveryFactor({ stores, hasher, clock, audit }),
  ]);

  // One sign-out (issue 10): ending a user's sign-ins ends the provider's too. Plain SQL,
  // so the CLI's Force New Password does it without loading the provider.
  const onAccountEnded = async (userId: string): Promise<void> => {
    await endOidcAccount(database.db, userId);
  };
  const core: Core = {
    onAccountEnded,
    stores,
    // Its own key (deriveKey's purpose), from every SECRET_KEY: rotation forgets no browser.
    deviceKeys: config.secretKeys.map((secret) => deriveKey(secret, "device-cookie")),
    hasher,
    limits,
    clock,
    random,
    audit,
    box,
    appName,
    factors,
    rules: {
      flowTtlMs: config.flowTtlMs,
      sessionTtlMs: config.sessionTtlMs,
      sessionIdleMs: config.sessionIdleMs,
      maxWrongCodesPerFlow: config.maxWrongCodesPerFlow,
      passwordRules: config.passwordRules,
      // Only where email can be sent (the development outbox counts, outside production).
      proveEmailBeforeNewPassword: config.forcedChangeEmailCode && mailer !== undefined,
    },
  };
  const kit: WebKit = {
    names: cookieNames(config.secureCookies),
    secure: config.secureCookies,
    csrfKey: deriveKey(config.secretKeys[0]!, "csrf"),
    appName,
    forwardCookieDomain: config.forwardAuth.cookieDomain,
  };
  // The mailer (when set) tells a user that Force New Password reset their sign-in.
  const staff = createStaffParts({
    config,
    core,
    stores,
    limits,
    clock,
    audit,
    hasher,
    kit,
    mailer,
    mailerReachesUsers: delivery.smtpConfigured,
    onAccountEnded,
    methodsProblem: (methods) => missingProvider(config.delivery, methods, config.production),
  });
  let oidcParts: Promise<OidcParts> | undefined;
  const oidc = (): Promise<OidcParts> => {
    oidcParts ??= loadOidc(
      config,
      database,
      clock,
      random,
      log,
      {
        ...(overrides.oidc?.beforeMount ? { beforeMount: overrides.oidc.beforeMount } : {}),
        signedOut: providerSignOut(kit, core),
      },
      overrides.oidc,
    );
    return oidcParts;
  };
  return {
    oidc,
    config,
    database,
    stores,
    limits,
    hasher,
    audit,
    core,
    kit,
    staff,
    delivery,
    codeKey,
    limitStore,
    logger,
    metrics,
    buildApp: (options = {}) => {
      if (options.logStream) logging.redirect(options.logStream);
      return buildApp({
        kit,
        core,
        ping: () => database.ping(),
        trustProxy: config.trustProxy,
        logger,
        metrics,
        metricsAllow: config.metricsAllow,
        staff: staff.routes,
        homeLinks: staff.homeLinks,
        outbox: delivery.outbox,
        healthChecks: limitStore.kind === "redis" ? { redis: limitStore.ping } : {},
        publicUrl: config.publicUrl,
        oidc: async () => (await oidc()).seam,
        hashSaturated,
        returnPolicy: {
          cookieDomain: config.forwardAuth.cookieDomain,
          publicHost: new URL(config.publicUrl).hostname,
          allowHttpLoopback: !config.production,
        },
      });
    },
    notices,
    close: async () => {
      await notices.stop();
      await limitStore.close();
      await database.close();
    },
  };
}

/** The provider (src/oidc/seam.ts, imported here and only here) on Vestibule's database. */
async function loadOidc(
  config: Config,
  database: OpenedDatabase,
  clock: Clock,
  random: Random,
  log: (message: string) => void,
  hooks: OidcHooks,
  overrides: SystemOverrides["oidc"] = {},
): Promise<OidcParts> {
  const { createOidcParts } = await import("./oidc/seam.js");
  return createOidcParts(
    {
      db: database.db,
      publicUrl: config.publicUrl,
      secretKeys: config.secretKeys,
      sessionTtlMs: config.sessionTtlMs,
      clock,
      random,
      findAccount: async (id) => {
        const user = await database.stores.users.findById(id);
        return user?.active ? user : undefined;
      },
      interactionPath: (uid) => `${OIDC_SIGNIN_PATH}${uid}`,
      page: (title, body) =>
        layout({ appName: config.appName, csrf: "", locale: "en" }, title, body).value,
      onServerError:
        overrides.onServerError ??
        ((err) => log(`OpenID Connect provider fault: ${err.name}: ${err.message}`)),
      ...(overrides.wrapStorage ? { wrapStorage: overrides.wrapStorage } : {}),
    },
    hooks,
  );
}

/**
 * The stores as the system uses them: the tests' wrapper (fault injection) on the root
 * slices and on every transaction's, and `afterCommit` once a transaction of ours commits
 * (its queued notifications can go now). A wrapper's `atomically` runs the transaction, so
 * a test can make the process "die" right after a commit.
 */
function withCommitHook(
  base: Stores,
  wrap: ((stores: Stores) => Stores) | undefined,
  afterCommit: () => void,
): Stores {
  const wrapped = wrap?.(base) ?? base;
  return {
    ...wrapped,
    atomically: async (work) => {
      const result = await wrapped.atomically((tx) =>
        work(tx === base ? wrapped : withCommitHook(tx, wrap, () => {})),
      );
      afterCommit();
      return result;
    },
  };
}
