import { Secret, TOTP } from "otpauth";

export const PERIOD_MS = 30_000;

/**
 * The load generator's record of which TOTP steps each user has spent. The server
 * accepts steps now-1, now and now+1, each at most once and strictly increasing
 * (RFC 6238 §5.2). The generator uses only steps now and now+1 — now-1 could expire
 * while a slow request is in flight — so a user signs in up to twice at once and then
 * once per 30 s. A user is lent to one sign-in at a time; `take` only lends a user
 * who still has such a step, so no code is refused for reuse.
 */
export class StepBook {
  constructor(users) {
    this.idle = [...users];
  }

  /** A user with an unspent acceptable step, or undefined when all have spent theirs. */
  take(nowMs = Date.now()) {
    const current = Math.floor(nowMs / PERIOD_MS);
    const scan = Math.min(this.idle.length, 64);
    for (let i = 0; i < scan; i++) {
      const user = this.idle[i];
      if (user.lastStep <= current && (user.flows === undefined || user.flows.length)) {
        this.idle.splice(i, 1);
        return user;
      }
    }
    return undefined;
  }

  /** The step to use now for a lent user, and its code (RFC 6238: SHA-1, 6 digits, 30 s). */
  code(user, nowMs = Date.now()) {
    const current = Math.floor(nowMs / PERIOD_MS);
    const step = Math.max(user.lastStep + 1, current);
    user.lastStep = step;
    // The decoded key is kept on the user: decoding base32 per code is generator work.
    user.totp ??= new TOTP({ secret: Secret.fromBase32(user.secret), digits: 6, period: 30 });
    return user.totp.generate({ timestamp: step * PERIOD_MS });
  }

  give(user) {
    this.idle.push(user);
  }

  /** Milliseconds until the next step begins (when spent users get a new step). */
  static untilNextStep(nowMs = Date.now()) {
    return PERIOD_MS - (nowMs % PERIOD_MS) + 5;
  }
}
