import type { OutgoingEmail } from "../core/ports/delivery.js";
import { type Locale, t } from "../words/catalogue.js";
import { type Brand, emailTime, noticeEmail } from "./messages.js";

/**
 * Tells the owner that a supervisor used Force New Password on their account, so a
 * reset they did not ask for is noticed. No link, no password: only what happened.
 */
export function forcedPasswordEmail(
  locale: Locale,
  input: Brand & {
    to: string;
    username: string;
    /** Milliseconds since the epoch. */
    at: number;
  },
): OutgoingEmail {
  const app = input.appName;
  return {
    to: input.to,
    ...noticeEmail(input, t(locale, "email.forced.subject", { app }), [
      t(locale, "email.forced.what", {
        username: input.username,
        app,
        time: emailTime(locale, input),
      }),
      t(locale, "email.forced.next"),
      t(locale, "email.forced.if_not"),
    ]),
  };
}
