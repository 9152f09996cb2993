import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { clientKey } from "../core/client-key.js";
import type { SendQuota, SendQuotaKeys } from "../core/ports/limits.js";
import { buildLimiter, type LimitBackend } from "./rate-limits.js";

/** Sends allowed per fixed window. */
export interface SendRule {
  points: number;
  windowSeconds: number;
}

export interface SendRules {
  /** Per user and method, short: about 1 per 30 s (switching email ⇄ SMS is not held up). */
  userBurst: SendRule;
  /** Per user, long: 5 per 15 minutes. */
  user: SendRule;
  /** Per address or number, whichever accounts share it. */
  destination: SendRule;
  /** Per client address. */
  ip: SendRule;
  /** Installation-wide SMS budget (SMS pumping fraud costs money, not just noise). */
  smsBudget: SendRule;
}

export const DEFAULT_SEND_RULES: SendRules = {
  userBurst: { points: 1, windowSeconds: 30 },
  user: { points: 5, windowSeconds: 900 },
  destination: { points: 10, windowSeconds: 3600 },
  ip: { points: 30, windowSeconds: 3600 },
  smsBudget: { points: 200, windowSeconds: 3600 },
};

type Step = { limit: string; rl: RateLimiterAbstract; key: string };

/**
 * The send quotas on rate-limiter-flexible, on the same backend as the other limits.
 * A send takes one point from every applicable counter or from none: when one refuses,
 * the points already taken are given back (reward). `refund` gives all of them back; the
 * caller uses it only when the message certainly did not go out (core/codes.ts).
 */
export function createSendQuota(rules: SendRules, backend: LimitBackend): SendQuota {
  const make = (name: string, rule: SendRule): RateLimiterAbstract =>
    buildLimiter(name, { ...rule, blockSeconds: rule.windowSeconds }, backend);
  const userBurst = make("send_user_burst", rules.userBurst);
  const user = make("send_user", rules.user);
  const destination = make("send_destination", rules.destination);
  const ip = make("send_ip", rules.ip);
  const smsBudget = make("send_sms_budget", rules.smsBudget);

  const giveBack = async (taken: Step[]): Promise<void> => {
    for (const step of taken) await step.rl.reward(step.key, 1);
  };

  return {
    async take(keys: SendQuotaKeys) {
      const steps: Step[] = [
        { limit: "user_burst", rl: userBurst, key: `${keys.userId}:${keys.method}` },
        { limit: "user", rl: user, key: keys.userId },
        {
          limit: "destination",
          rl: destination,
          key: `${keys.method}:${keys.destination.toLowerCase()}`,
        },
        { limit: "ip", rl: ip, key: clientKey(keys.ip) },
      ];
      if (keys.method === "sms") steps.push({ limit: "sms_budget", rl: smsBudget, key: "all" });
      const taken: Step[] = [];
      for (const step of steps) {
        try {
          await step.rl.consume(step.key, 1);
          taken.push(step);
        } catch (err) {
          await giveBack(taken);
          if (!(err instanceof RateLimiterRes)) throw err;
          // The refused point is given back too: asking again while refused must not
          // push the wait further out.
          await step.rl.reward(step.key, 1);
          return {
            allowed: false,
            retryAfterMs: Math.max(err.msBeforeNext, 1000),
            limit: step.limit,
          };
        }
      }
      return { allowed: true, refund: () => giveBack(taken) };
    },
    async userWaitMs(userId, method) {
      let wait = 0;
      for (const [rl, rule, key] of [
        [userBurst, rules.userBurst, `${userId}:${method}`],
        [user, rules.user, userId],
      ] as const) {
        const res = await rl.get(key);
        if (res && res.consumedPoints >= rule.points) wait = Math.max(wait, res.msBeforeNext);
      }
      return wait;
    },
  };
}
