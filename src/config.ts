import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname } from "node:path";
import { ConfigError, type Env, int, numberList } from "./config-env.js";
import { normalizeHost } from "./core/forward-auth.js";
import { DEFAULT_PASSWORD_RULES, type PasswordRules } from "./core/password-policy.js";
import { withinDomain } from "./core/return-address.js";
import { type DeliveryConfig, loadDeliveryConfig } from "./delivery/config.js";
import {
  DEFAULT_ESCALATION,
  type EscalationRule,
  MAX_REMEMBER_SECONDS,
} from "./limits/escalating.js";
import type { PasswordLimitRules } from "./limits/password-limiters.js";
import { LOG_LEVELS } from "./log.js";
import { parseAddressList } from "./metrics/allow.js";
import { LOCALES, type Locale } from "./words/catalogue.js";
import { asLocale } from "./words/choose.js";

export interface Config {
  production: boolean;
  port: number;
  host: string;
  publicUrl: string;
  /** True when PUBLIC_URL is https: cookies get Secure and the __Host- prefix. */
  secureCookies: boolean;
  databaseUrl: string;
  /** PostgreSQL connections per instance (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** A PostgreSQL query unanswered this long fails (503) instead of hanging. */
  databaseQueryTimeoutMs: number;
  redisUrl: string | undefined;
  /** Prefix of every Redis key (REDIS_PREFIX), so installations can share a Redis. */
  redisPrefix: string;
  appName: string;
  /** The current key first; older ones still open secrets sealed under them. */
  secretKeys: string[];
  trustProxy: string | false;
  flowTtlMs: number;
  sessionTtlMs: number;
  /** A session unused this long ends (sliding); issue 14. */
  sessionIdleMs: number;
  maxWrongCodesPerFlow: number;
  passwordRules: PasswordRules;
  /** Wrong passwords, counted four ways (core/password-attempts.ts, docs/security.md). */
  passwordLimits: PasswordLimitRules;
  /** Consecutive wrong second-factor codes per account (limits/escalating.ts). */
  secondFactorLock: EscalationRule;
  hasher: {
    maxConcurrent: number | undefined;
    maxQueued: number;
    /** Only with VESTIBULE_TEST_CHEAP_HASH=1 under NODE_ENV=test; never in production. */
    memoryCost?: number;
    timeCost?: number;
  };
  logLevel: string;
  /** SMTP_URL, SMS_PROVIDER…, code lifetime and send limits (delivery/config.ts). */
  delivery: DeliveryConfig;
  /**
   * FORCED_CHANGE_EMAIL_CODE: before a forced password change, a code to the user's email
   * address (issue 14). On by default when SMTP_URL is set.
   */
  forcedChangeEmailCode: boolean;
  /** Issue 10: forward-auth for reverse proxies (docs/integrate.md). */
  forwardAuth: ForwardAuthConfig;
  // Issue 12: operations.
  /** METRICS_ALLOW: who may read /metrics (addresses, CIDRs, "loopback"; [] = nobody). */
  metricsAllow: string[];
  // Issue 12: languages and branding.
  /** DEFAULT_LOCALE: the language when neither the user nor the browser picks one of ours. */
  defaultLocale: Locale;
  /** TIME_ZONE: the installation's IANA zone for dates on pages and in emails (UTC). */
  timeZone: string;
  /** LOGO_URL: an https image shown beside APP_NAME on every page and email; optional. */
  logoUrl: string | undefined;
}

export interface ForwardAuthConfig {
  /**
   * FORWARD_AUTH_COOKIE_DOMAIN without its leading dot (e.g. "example.org"): the forward-auth
   * cookie's Domain, and the hosts `rd` may lead to. Undefined: a host-only cookie, and
   * `rd` only to PUBLIC_URL's host (a trial on one machine).
   */
  cookieDomain: string | undefined;
}

export { ConfigError };

/** Environment → typed config. Every mistake throws at start, naming the variable to set. */
export function loadConfig(env: Env = process.env): Config {
  const production = nodeEnv(env) === "production";
  const port = int(env, "PORT", 3000, 0, 65535);
  const host = env.HOST ?? (production ? "0.0.0.0" : "localhost");
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, "");
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL is not a URL: "${publicUrl}"`);
  }
  if (production && parsedUrl.protocol !== "https:" && !isLoopbackHost(parsedUrl.hostname)) {
    // Over plain http the cookies could not be Secure nor __Host-, and there is no HSTS.
    throw new ConfigError(
      `PUBLIC_URL must be https:// in production (got "${publicUrl}"); terminate TLS in front of Vestibule and set PUBLIC_URL to the address people use`,
    );
  }
  const databaseUrl = env.DATABASE_URL ?? "sqlite:./data/vestibule.db";
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must be sqlite:PATH or postgres://…");
  }
  return {
    production,
    port,
    host,
    publicUrl,
    secureCookies: parsedUrl.protocol === "https:",
    databaseUrl,
    databasePoolSize: int(env, "DATABASE_POOL_SIZE", 10, 1, 1000),
    databaseQueryTimeoutMs: int(env, "DATABASE_QUERY_TIMEOUT_MS", 5000, 100, 600_000),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: redisPrefix(env),
    appName: appName(env),
    secretKeys: secretKeys(env, production, databaseUrl),
    trustProxy: trustProxy(env),
    flowTtlMs: int(env, "CHALLENGE_TTL_SECONDS", 600, 60, 600) * 1000,
    // NIST SP 800-63B AAL2: re-authenticate at least every 12 hours and after 30 minutes idle.
    sessionTtlMs: int(env, "SESSION_TTL_SECONDS", 12 * 3600, 60, 30 * 86400) * 1000,
    sessionIdleMs: int(env, "SESSION_IDLE_SECONDS", 1800, 60, 30 * 86400) * 1000,
    maxWrongCodesPerFlow: int(env, "MAX_WRONG_CODES_PER_SIGNIN", 5, 1, 20),
    passwordRules: {
      ...DEFAULT_PASSWORD_RULES,
      minLength: int(env, "PASSWORD_MIN_LENGTH", DEFAULT_PASSWORD_RULES.minLength, 8, 64),
      contextWords: [appName(env)],
    },
    passwordLimits: {
      accountAddress: rule(env, "LIMIT_PASSWORD_ACCOUNT_IP", 10, 900, 900),
      // Same variable and scope as before (per account, from anywhere), a looser default
      // (was 10/900/900): the tight count moved to LIMIT_PASSWORD_ACCOUNT_IP.
      account: rule(env, "LIMIT_PASSWORD_ACCOUNT", 100, 3600, 3600),
      address: rule(env, "LIMIT_PASSWORD_IP", 50, 900, 900),
      device: rule(env, "LIMIT_PASSWORD_DEVICE", 10, 900, 900),
    },
    secondFactorLock: secondFactorLock(env),
    hasher: {
      maxConcurrent: env.HASH_CONCURRENCY ? int(env, "HASH_CONCURRENCY", 2, 1, 64) : undefined,
      maxQueued: int(env, "HASH_QUEUE", 64, 0, 10000),
      ...cheapHash(env),
    },
    logLevel: logLevel(env),
    ...securityConfig(env, loadDeliveryConfig(env, production)),
    forwardAuth: { cookieDomain: forwardCookieDomain(env, parsedUrl.hostname) },
    metricsAllow: metricsAllow(env),
    defaultLocale: defaultLocale(env),
    timeZone: timeZone(env),
    logoUrl: logoUrl(env),
  };
}

/** Issue 14's settings that depend on the delivery config. */
function securityConfig(
  env: Env,
  delivery: DeliveryConfig,
): Pick<Config, "delivery" | "forcedChangeEmailCode"> {
  const raw = env.FORCED_CHANGE_EMAIL_CODE?.trim().toLowerCase();
  if (raw && raw !== "on" && raw !== "off") {
    throw new ConfigError(`FORCED_CHANGE_EMAIL_CODE must be on or off (got "${raw}")`);
  }
  if (raw === "on" && !delivery.smtp && !delivery.devOutbox) {
    throw new ConfigError(
      "FORCED_CHANGE_EMAIL_CODE=on sends a code by email: set SMTP_URL (and MAIL_FROM), or turn it off",
    );
  }
  return { delivery, forcedChangeEmailCode: raw ? raw === "on" : delivery.smtp !== undefined };
}

/**
 * FORWARD_AUTH_COOKIE_DOMAIN (issue 10): a domain of two labels or more that contains
 * PUBLIC_URL's host, since Vestibule sets the cookie and a browser refuses a Domain that
 * does not cover the host setting it.
 */
function forwardCookieDomain(env: Env, publicHost: string): string | undefined {
  const raw = env.FORWARD_AUTH_COOKIE_DOMAIN?.trim();
  if (!raw) return undefined;
  const domain = normalizeHost(raw.replace(/^\./, ""));
  if (domain === undefined || !domain.includes(".") || /^[\d.]+$/.test(domain)) {
    throw new ConfigError(
      `FORWARD_AUTH_COOKIE_DOMAIN must be a domain name such as .example.org (got "${raw}")`,
    );
  }
  if (!withinDomain(publicHost, domain)) {
    throw new ConfigError(
      `FORWARD_AUTH_COOKIE_DOMAIN must contain PUBLIC_URL's host "${publicHost}" (got "${raw}"): Vestibule sets the cookie`,
    );
  }
  return domain;
}

// Issue 12: operations (LOG_LEVEL and NODE_ENV checked, METRICS_ALLOW).

/**
 * NODE_ENV: production, development, test or unset. Anything else is refused: a typo
 * ("prod", "Production") would otherwise run a production server with the development
 * outbox, a generated SECRET_KEY and plain-http cookies.
 */
function nodeEnv(env: Env): string | undefined {
  const value = env.NODE_ENV;
  if (value === undefined || value === "" || ["production", "development", "test"].includes(value))
    return value;
  throw new ConfigError(
    `NODE_ENV must be production, development or test, or unset (got "${value}")`,
  );
}

/** LOG_LEVEL: one of pino's levels; silent by default under the test suite. */
function logLevel(env: Env): string {
  const value = env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info");
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${value}")`);
  }
  return value;
}

/** METRICS_ALLOW: comma-separated addresses, CIDRs and "loopback" (the default); "none". */
function metricsAllow(env: Env): string[] {
  const raw = env.METRICS_ALLOW?.trim();
  if (!raw) return ["loopback"];
  if (raw === "none") return [];
  const list = raw.split(",").map((entry) => entry.trim());
  const bad = parseAddressList(list).bad;
  if (bad !== undefined) {
    throw new ConfigError(
      `METRICS_ALLOW lists addresses or CIDRs that may read /metrics, e.g. loopback,10.0.0.0/8, or none (got "${bad}")`,
    );
  }
  return list;
}

/** localhost, 127.0.0.0/8 and [::1]: a trial or benchmark on one machine, never exposed. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * TRUST_PROXY: the load balancers' addresses or CIDRs (and proxy-addr's names loopback,
 * linklocal, uniquelocal), comma-separated. X-Forwarded-For is believed only from them.
 * "true" or a hop count is refused: it would let any client choose its own address.
 */
function trustProxy(env: Env): string | false {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return false;
  for (const entry of raw.split(",").map((e) => e.trim())) {
    const [address = "", bits] = entry.split("/");
    const named = ["loopback", "linklocal", "uniquelocal"].includes(entry);
    if (!named && (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))) {
      throw new ConfigError(
        `TRUST_PROXY lists the proxies' addresses or CIDRs, e.g. 10.0.0.0/8,loopback (got "${entry}")`,
      );
    }
  }
  return raw;
}

function redisPrefix(env: Env): string {
  const raw = env.REDIS_PREFIX ?? "vestibule:";
  if (!/^[A-Za-z0-9_:.-]{0,64}$/.test(raw)) {
    throw new ConfigError(`REDIS_PREFIX may hold letters, digits and _ : . - (got "${raw}")`);
  }
  return raw;
}

/**
 * APP_NAME is the issuer in the authenticator app's otpauth:// label "issuer:username";
 * the Key URI Format forbids a colon in either part (apps split the label at it).
 */
function defaultLocale(env: Env): Locale {
  const value = env.DEFAULT_LOCALE?.trim() || "en";
  const locale = asLocale(value);
  if (!locale) {
    throw new ConfigError(`DEFAULT_LOCALE must be one of ${LOCALES.join(", ")}; got "${value}"`);
  }
  return locale;
}

function timeZone(env: Env): string {
  const value = env.TIME_ZONE?.trim() || "UTC";
  try {
    // Intl knows the IANA zones; it throws a RangeError for any other name.
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError(
      `TIME_ZONE must be an IANA time zone such as Europe/Berlin; got "${value}"`,
    );
  }
}

function logoUrl(env: Env): string | undefined {
  const value = env.LOGO_URL?.trim();
  if (!value) return undefined;
  // https only: an http image on an https page is mixed content, and img-src allows it alone.
  const url = URL.parse(value);
  // Its origin goes into the CSP header (img-src): a host of letters, digits, dots and
  // hyphens, or an IPv6 literal, never one that could end the directive (";", ",", quotes).
  const host = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/;
  if (url?.protocol !== "https:" || url.username || url.password || !host.test(url.hostname)) {
    throw new ConfigError(`LOGO_URL must be an https:// address of an image; got "${value}"`);
  }
  return url.href;
}

function appName(env: Env): string {
  const name = env.APP_NAME?.trim() || "Vestibule";
  if (name.includes(":")) {
    throw new ConfigError(
      `APP_NAME must not contain ":" (authenticator apps read "issuer:username"); got "${name}"`,
    );
  }
  return name;
}

/**
 * VESTIBULE_TEST_CHEAP_HASH=1: argon2id at 1 MiB and one pass, so the test suite's many
 * hashes are quick. Honoured only under NODE_ENV=test; anywhere else it stops the start,
 * so a production never stores cheap hashes by a stray variable.
 */
function cheapHash(env: Env): { memoryCost?: number; timeCost?: number } {
  const raw = env.VESTIBULE_TEST_CHEAP_HASH;
  if (raw === undefined || raw === "" || raw === "0") return {};
  if (raw !== "1")
    throw new ConfigError(`VESTIBULE_TEST_CHEAP_HASH must be 1 or unset (got "${raw}")`);
  if (env.NODE_ENV !== "test") {
    throw new ConfigError(
      `VESTIBULE_TEST_CHEAP_HASH is for the test suite only (NODE_ENV=test, got "${env.NODE_ENV ?? ""}"); unset it`,
    );
  }
  return { memoryCost: 1024, timeCost: 1 };
}

/**
 * The escalating second-factor lock. LIMIT_SECOND_FACTOR keeps its form
 * (points/windowSeconds/blockSeconds): points = wrong codes per block, blockSeconds = the
 * first block; its window is not used by this lock. LIMIT_SECOND_FACTOR_MAX_BLOCK caps the
 * growing blocks, LIMIT_SECOND_FACTOR_CAP is the count that locks until a supervisor
 * resets it (at most 100, SP 800-63B; a multiple of points), LIMIT_SECOND_FACTOR_REMEMBER
 * how long the count is kept after the latest block.
 */
function secondFactorLock(env: Env): EscalationRule {
  const base = rule(
    env,
    "LIMIT_SECOND_FACTOR",
    DEFAULT_ESCALATION.failuresPerBlock,
    86400,
    DEFAULT_ESCALATION.firstBlockSeconds,
  );
  const lock: EscalationRule = {
    failuresPerBlock: base.points,
    firstBlockSeconds: base.blockSeconds,
    maxBlockSeconds: int(
      env,
      "LIMIT_SECOND_FACTOR_MAX_BLOCK",
      Math.max(DEFAULT_ESCALATION.maxBlockSeconds, base.blockSeconds),
      base.blockSeconds,
      MAX_REMEMBER_SECONDS,
    ),
    // Default: the most whole blocks within 100 (99 for 3 per block).
    cap: int(
      env,
      "LIMIT_SECOND_FACTOR_CAP",
      Math.floor(DEFAULT_ESCALATION.cap / base.points) * base.points,
      base.points,
      100,
    ),
    rememberSeconds: int(
      env,
      "LIMIT_SECOND_FACTOR_REMEMBER",
      DEFAULT_ESCALATION.rememberSeconds,
      3600,
      MAX_REMEMBER_SECONDS,
    ),
  };
  if (lock.cap % lock.failuresPerBlock !== 0) {
    throw new ConfigError(
      `LIMIT_SECOND_FACTOR_CAP must be a multiple of LIMIT_SECOND_FACTOR's points (${lock.failuresPerBlock}); got ${lock.cap}`,
    );
  }
  return lock;
}

/** NAME="points/windowSeconds/blockSeconds", e.g. LIMIT_PASSWORD_ACCOUNT=10/900/900. */
function rule(env: Env, name: string, points: number, windowSeconds: number, blockSeconds: number) {
  const parts = numberList(env, name, 3, "points/windowSeconds/blockSeconds, e.g. 10/900/900");
  if (!parts) return { points, windowSeconds, blockSeconds };
  const [p, w, b] = parts as [number, number, number];
  return { points: p, windowSeconds: w, blockSeconds: b };
}

/**
 * SECRET_KEY (and SECRET_KEY_PREVIOUS, comma-separated, for rotation). Outside
 * production with the embedded database, one is generated into ./data/ on first start.
 */
function secretKeys(env: Env, production: boolean, databaseUrl: string): string[] {
  const previous = (env.SECRET_KEY_PREVIOUS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  const current = env.SECRET_KEY?.trim();
  if (current) {
    if (current.length < 32) throw new ConfigError("SECRET_KEY must be at least 32 characters");
    return [current, ...previous];
  }
  if (production) {
    throw new ConfigError(
      "SECRET_KEY is required in production: set it to 32+ random characters (openssl rand -base64 48)",
    );
  }
  const dbPath = databaseUrl.startsWith("sqlite:") ? databaseUrl.slice(7) : "./data/x";
  const file = `${dbPath === ":memory:" ? "./data" : dirname(dbPath)}/secret.key`;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(48).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  }
  return [readFileSync(file, "utf8").trim(), ...previous];
}
