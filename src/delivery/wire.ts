import type { Audit, AuditInput, AuditScope, AuditType } from "../core/audit.js";
import type { Mailer, SmsSender } from "../core/ports/delivery.js";
import type { QueuedMessage } from "../core/ports/outbox.js";
import type { Clock } from "../core/ports/runtime.js";
import type { Stores } from "../core/ports/stores.js";
import type { User } from "../core/ports/users.js";
import type { DeliveryConfig } from "./config.js";
import { forcedPasswordEmail } from "./force-notice.js";
import {
  accountChangeEmail,
  authenticatorAddedEmail,
  type EmailContent,
  emailChangedEmail,
  phoneChangedEmail,
  phoneChangedSms,
  recoveryCodesIssuedEmail,
  recoveryCodeUsedEmail,
  secondFactorLockedEmail,
  secondFactorLockedForGoodEmail,
  temporaryPasswordEmail,
} from "./messages.js";
import { createOutbox, type Outbox } from "./outbox.js";
import { createSmtpMailer } from "./smtp.js";
import { createTwilioSender } from "./twilio.js";
import { createWebhookSender } from "./webhook.js";

export interface Delivery {
  /** Undefined: email codes cannot be sent (production without SMTP_URL). */
  mailer: Mailer | undefined;
  sms: SmsSender | undefined;
  /** Only outside production, when a channel has no provider. */
  outbox: Outbox | undefined;
  /** True when mail goes to a real server (not the outbox): notifications are sent. */
  smtpConfigured: boolean;
}

/** Providers from config; outside production, a channel without one uses the outbox. */
export function createDelivery(config: DeliveryConfig, clock: Clock): Delivery {
  const outbox = config.devOutbox ? createOutbox(200, clock) : undefined;
  const mailer = config.smtp
    ? createSmtpMailer({ ...config.smtp, timeoutMs: config.timeoutMs })
    : outbox?.mailer;
  let sms: SmsSender | undefined = outbox?.sms;
  if (config.sms?.provider === "twilio") {
    sms = createTwilioSender({ ...config.sms, timeoutMs: config.timeoutMs });
  } else if (config.sms?.provider === "webhook") {
    // The signature's timestamp is checked against the receiver's wall clock, so it is
    // always real time, never an injected test clock.
    sms = createWebhookSender({ ...config.sms, timeoutMs: config.timeoutMs });
  }
  return { mailer, sms, outbox, smtpConfigured: config.smtp !== undefined };
}

/**
 * Audit with owner notifications, the one place that says which events tell the user and
 * in what words: an authenticator added, the second factor paused (its first block) or
 * locked (the cap), Force New Password, a change of their email address or phone number.
 * The messages are queued in the outbox in the transaction of the event (and of the change
 * it records, when the caller passes it), so a change is never committed without its
 * notice nor its notice sent without the change; delivery/notices.ts sends them after
 * commit, retrying until they go. A slow or failing provider never delays a sign-in.
 */
export function withNotifications(
  audit: Audit,
  deps: {
    stores: Pick<Stores, "atomically">;
    /** Which channels can carry a notice here (a mailer, an SMS sender). */
    channels: { email: boolean; sms: boolean };
    appName: string;
    clock: Clock;
  },
): Audit {
  return async (event, tx) => {
    if (!NOTIFYING.has(event.type)) return audit(event, tx);
    const write = async (scope: AuditScope): Promise<void> => {
      await audit(event, scope);
      const user = event.userId ? await scope.users.findById(event.userId) : undefined;
      if (!user) return;
      const now = deps.clock.now();
      for (const message of messagesFor(event, user, { ...deps, at: now })) {
        if (!deps.channels[message.channel]) continue;
        await scope.outbox.enqueue(message, now);
      }
    };
    await (tx ? write(tx) : deps.stores.atomically(write));
  };
}

/** Event types that may queue a notice (the others are written without a transaction). */
const NOTIFYING: ReadonlySet<AuditType> = new Set<AuditType>([
  "authenticator_added",
  "second_factor_locked",
  "force_new_password",
  "user_changed",
  // Issue 11
  "password_changed",
  "authenticator_replaced",
  "other_sessions_ended",
  "temporary_password_set",
  "recovery_codes_issued",
  "recovery_code_used",
]);

/** The messages an event sends its user, in their words (English until issue 12). */
function messagesFor(
  event: AuditInput,
  user: User,
  deps: { appName: string; at: number },
): QueuedMessage[] {
  const locale = "en";
  const appName = deps.appName;
  const base = { kind: event.type, userId: user.id };
  const email = (to: string | null, content: EmailContent): QueuedMessage[] =>
    to ? [{ ...base, channel: "email", to, ...content }] : [];
  const detail = event.detail ?? {};
  const input = () => ({ appName, username: user.username, at: deps.at });
  switch (event.type) {
    case "authenticator_added":
      return email(
        user.email,
        authenticatorAddedEmail(locale, { appName, username: user.username, at: deps.at }),
      );
    case "second_factor_locked":
      // The first block and the cap, not every block: enough to notice, not a flood.
      if (detail.permanent === true) {
        return email(
          user.email,
          secondFactorLockedForGoodEmail(locale, { appName, username: user.username }),
        );
      }
      if (detail.block !== 1 || typeof detail.minutes !== "number") return [];
      return email(
        user.email,
        secondFactorLockedEmail(locale, {
          appName,
          username: user.username,
          minutes: detail.minutes,
        }),
      );
    case "force_new_password": {
      if (!user.email) return [];
      const { to: _to, ...content } = forcedPasswordEmail(locale, {
        to: user.email,
        appName,
        username: user.username,
        at: deps.at,
      });
      return email(user.email, content);
    }
    case "user_changed":
      return contactChangeMessages(locale, event, user, { appName, at: deps.at, base });
    // Issue 11. A forced change at sign-in (no `via`) follows a notice of its own already.
    case "password_changed":
      return detail.via === "account"
        ? email(user.email, accountChangeEmail(locale, "password_changed", input()))
        : [];
    case "authenticator_replaced":
      return email(user.email, accountChangeEmail(locale, "app_replaced", input()));
    case "other_sessions_ended":
      return email(user.email, accountChangeEmail(locale, "sessions_ended", input()));
    case "temporary_password_set":
      return email(
        user.email,
        temporaryPasswordEmail(locale, {
          ...input(),
          validHours: typeof detail.validHours === "number" ? detail.validHours : null,
        }),
      );
    case "recovery_codes_issued":
      return email(user.email, recoveryCodesIssuedEmail(locale, input()));
    case "recovery_code_used":
      return email(
        user.email,
        recoveryCodeUsedEmail(locale, {
          ...input(),
          left: typeof detail.left === "number" ? detail.left : 0,
        }),
      );
    default:
      return [];
  }
}

/**
 * A changed email address is told at the old address and the new one, a changed phone
 * number by SMS at the old number and the new one (and by email when there is an
 * address): whoever lost the contact learns it, and an unexpected change is noticed.
 */
function contactChangeMessages(
  locale: "en",
  event: AuditInput,
  user: User,
  deps: { appName: string; at: number; base: Pick<QueuedMessage, "kind" | "userId"> },
): QueuedMessage[] {
  const messages: QueuedMessage[] = [];
  const change = (field: "email" | "phone") => {
    const value = event.detail?.[field] as { from?: unknown; to?: unknown } | undefined;
    const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
    return value ? { from: text(value.from), to: text(value.to) } : undefined;
  };
  const input = { appName: deps.appName, username: user.username, at: deps.at };
  const emailChange = change("email");
  const phoneChange = change("phone");
  // The same message once per address (an unchanged address is both old and new).
  const emailed = new Set<string>();
  const mail = (to: string | null, content: EmailContent) => {
    if (!to || emailed.has(`${to}\n${content.subject}`)) return;
    emailed.add(`${to}\n${content.subject}`);
    messages.push({ ...deps.base, channel: "email", to, ...content });
  };
  if (emailChange) {
    const content = emailChangedEmail(locale, { ...input, ...emailChange });
    mail(emailChange.from, content);
    mail(emailChange.to, content);
  }
  if (phoneChange) {
    const text = phoneChangedSms(locale, input);
    for (const to of new Set([phoneChange.from, phoneChange.to])) {
      if (to) messages.push({ ...deps.base, channel: "sms", to, text });
    }
    mail(user.email, phoneChangedEmail(locale, { ...input, ...phoneChange }));
  }
  return messages;
}
