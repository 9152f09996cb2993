import { ConfigError, type Env, int, numberList } from "../config-env.js";
import type { Method } from "../core/ports/runtime.js";
import { DEFAULT_SEND_RULES, type SendRule, type SendRules } from "../limits/send-quota.js";

export type SmsProviderConfig =
  | { provider: "twilio"; accountSid: string; authToken: string; from: string; apiBase: string }
  | { provider: "webhook"; url: string; secret: string };

/** Email/SMS providers, code lifetime and send limits, from the environment. */
export interface DeliveryConfig {
  /** requireTls: production refuses to send over a connection STARTTLS did not secure. */
  smtp: { url: string; from: string; requireTls: boolean } | undefined;
  sms: SmsProviderConfig | undefined;
  /** Outside production, a channel without a provider goes to the development outbox. */
  devOutbox: boolean;
  /** A provider that has not answered in this long has failed (DELIVERY_TIMEOUT_MS). */
  timeoutMs: number;
  /** How long a sent code is valid (CODE_TTL_SECONDS, at most 10 minutes). */
  codeTtlMs: number;
  sendRules: SendRules;
}

export function loadDeliveryConfig(env: Env, production: boolean): DeliveryConfig {
  const smtp = smtpConfig(env, production);
  const sms = smsConfig(env);
  const d = DEFAULT_SEND_RULES;
  return {
    smtp,
    sms,
    devOutbox: !production && (!smtp || !sms),
    timeoutMs: int(env, "DELIVERY_TIMEOUT_MS", 5000, 100, 30_000),
    codeTtlMs: int(env, "CODE_TTL_SECONDS", 600, 30, 600) * 1000,
    sendRules: {
      userBurst: sendRule(env, "LIMIT_CODE_USER_BURST", d.userBurst),
      user: sendRule(env, "LIMIT_CODE_USER", d.user),
      destination: sendRule(env, "LIMIT_CODE_DESTINATION", d.destination),
      ip: sendRule(env, "LIMIT_CODE_IP", d.ip),
      smsBudget: {
        points: int(env, "SMS_HOURLY_BUDGET", d.smsBudget.points, 1, 1_000_000),
        windowSeconds: 3600,
      },
    },
  };
}

/**
 * In production a method without its provider would leave users unable to sign in (or,
 * worse, silently unable to receive codes): the reason to refuse, naming what to set.
 */
export function missingProvider(
  config: DeliveryConfig,
  methods: readonly Method[],
  production: boolean,
): string | undefined {
  if (!production) return undefined;
  const missing: string[] = [];
  if (methods.includes("email") && !config.smtp) {
    missing.push("email is enabled but no mail server is set: set SMTP_URL and MAIL_FROM");
  }
  if (methods.includes("sms") && !config.sms) {
    missing.push(
      "sms is enabled but no SMS provider is set: set SMS_PROVIDER=twilio with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, or SMS_PROVIDER=webhook with SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET",
    );
  }
  return missing.length ? missing.join("; ") : undefined;
}

function smtpConfig(env: Env, production: boolean): DeliveryConfig["smtp"] {
  const url = env.SMTP_URL?.trim();
  if (!url) return undefined;
  if (!/^smtps?:\/\/[^/]/.test(url)) {
    throw new ConfigError("SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…");
  }
  const from = env.MAIL_FROM?.trim();
  if (!from) {
    throw new ConfigError(
      'MAIL_FROM is required with SMTP_URL, e.g. "Vestibule <no-reply@example.org>"',
    );
  }
  // In production STARTTLS is required (smtps:// is TLS anyway); SMTP_URL's
  // ?requireTLS=false is the operator's explicit opt-out (docs/codes.md).
  return { url, from, requireTls: production };
}

function smsConfig(env: Env): SmsProviderConfig | undefined {
  const provider = env.SMS_PROVIDER?.trim();
  if (!provider) return undefined;
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`SMS_PROVIDER=${provider} needs ${name}`);
    return value;
  };
  if (provider === "twilio") {
    return {
      provider,
      accountSid: need("TWILIO_ACCOUNT_SID"),
      authToken: need("TWILIO_AUTH_TOKEN"),
      from: need("TWILIO_FROM"),
      apiBase: env.TWILIO_API_BASE?.trim() || "https://api.twilio.com",
    };
  }
  if (provider === "webhook") {
    const secret = need("SMS_WEBHOOK_SECRET");
    if (secret.length < 16) throw new ConfigError("SMS_WEBHOOK_SECRET must be 16+ characters");
    return { provider, url: need("SMS_WEBHOOK_URL"), secret };
  }
  throw new ConfigError(`SMS_PROVIDER must be twilio or webhook (got "${provider}")`);
}

/** NAME="points/windowSeconds", e.g. LIMIT_CODE_USER=5/900. */
function sendRule(env: Env, name: string, fallback: SendRule): SendRule {
  const parts = numberList(env, name, 2, "points/windowSeconds, e.g. 5/900");
  if (!parts) return fallback;
  const [points, windowSeconds] = parts as [number, number];
  return { points, windowSeconds };
}
