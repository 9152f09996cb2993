import type { PasswordLimiters } from "../core/password-attempts.js";
import { createLimiter, type LimitBackend, type LimitRule } from "./rate-limits.js";

/** One rule per counter of core/password-attempts.ts; defaults in config.ts. */
export interface PasswordLimitRules {
  /** Per account and client address: the tight one (LIMIT_PASSWORD_ACCOUNT_IP). */
  accountAddress: LimitRule;
  /** Per account from anywhere: loose, against spread-out guessing (LIMIT_PASSWORD_ACCOUNT). */
  account: LimitRule;
  /** Per client address, whichever accounts it tries (LIMIT_PASSWORD_IP). */
  address: LimitRule;
  /** Per account and remembered browser, instead of the two above (LIMIT_PASSWORD_DEVICE). */
  device: LimitRule;
}

/** The four password counters on the deployment's limit backend. */
export function createPasswordLimiters(
  rules: PasswordLimitRules,
  backend: LimitBackend,
): PasswordLimiters {
  return {
    accountAddress: createLimiter("pw_account_ip", rules.accountAddress, backend),
    account: createLimiter("pw_account_all", rules.account, backend),
    // The same counter (name and keys) as today's passwordByIp.
    address: createLimiter("pw_ip", rules.address, backend),
    device: createLimiter("pw_device", rules.device, backend),
  };
}
