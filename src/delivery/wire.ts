import type { Audit } from "../core/audit.js";
import type { Mailer, SmsSender } from "../core/ports/delivery.js";
import type { Clock } from "../core/ports/runtime.js";
import type { UserStore } from "../core/ports/users.js";
import type { DeliveryConfig } from "./config.js";
import { authenticatorAddedEmail, secondFactorLockedEmail } from "./messages.js";
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
 * Audit with owner notifications: an email when an authenticator is added and when the
 * second factor locks, so an unexpected one is noticed. Sent in the background: a slow
 * or failing mail server never delays or breaks a sign-in; a failure is reported to
 * `onError` (the log) and audited as notice_send_failed.
 */
export function withNotifications(
  audit: Audit,
  deps: {
    users: Pick<UserStore, "findById">;
    mailer: Mailer;
    appName: string;
    lockMinutes: number;
    clock: Clock;
    onError?: (message: string) => void;
  },
): Audit {
  const notify = async (type: string, userId: string): Promise<void> => {
    const user = await deps.users.findById(userId);
    if (!user?.email) return;
    const content =
      type === "authenticator_added"
        ? authenticatorAddedEmail("en", {
            appName: deps.appName,
            username: user.username,
            at: deps.clock.now(),
          })
        : secondFactorLockedEmail("en", {
            appName: deps.appName,
            username: user.username,
            minutes: deps.lockMinutes,
          });
    await deps.mailer.send({ to: user.email, ...content });
  };
  return async (event) => {
    await audit(event);
    if (
      (event.type === "authenticator_added" || event.type === "second_factor_locked") &&
      event.userId
    ) {
      const { type, userId } = event;
      notify(type, userId).catch(async (err: unknown) => {
        deps.onError?.(
          `notification email (${type}) failed: ${err instanceof Error ? err.message : "unknown error"}`,
        );
        await audit({ type: "notice_send_failed", userId, detail: { notice: type } }).catch(
          () => {},
        );
      });
    }
  };
}
