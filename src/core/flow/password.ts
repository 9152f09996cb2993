import { clientKey } from "../client-key.js";
import { HasherBusyError } from "../password.js";
import { normalizeUsername } from "../policy.js";
import type { Flow } from "../ports/flows.js";
import type { User } from "../ports/users.js";
import { type Refusal, refuse } from "../reasons.js";
import { enterNextStep, type FlowDeps, HOME, type Next } from "./flow.js";

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Step 1: username and password. Unknown user and wrong password look the same.
 * Throttle order: blocked? → well formed? → one attempt taken on the address and on the
 * typed username → argon2 → on success the account's count is reset and the address's
 * attempt given back. Taking the attempts after argon2 let every one of N parallel
 * guesses through a limit none of them had raised yet.
 *
 * `current` is the flow this browser holds, if any: one waiting for its password is
 * bound to the user; any other sign-in flow is replaced by the new one, which keeps its
 * continuation (one flow per browser).
 */
export async function submitPassword(
  deps: FlowDeps,
  input: { username: string; password: string; ip: string; current?: Flow | undefined },
): Promise<Next | Refusal> {
  const { stores, hasher, limits, audit } = deps;
  // A control character (NUL above all: PostgreSQL refuses it in text, so the limiter
  // key and the audit row would fail with 503) is never in a username we create. Refused
  // before any limiter or store sees it, with the wrong-password answer. No dummy hash:
  // no account can have such a name, so a fast answer tells nothing about accounts.
  if (CONTROL_CHARACTER.test(input.username)) return refuse("bad_credentials");
  const username = normalizeUsername(input.username).slice(0, MAX_USERNAME);
  // An IPv6 client is counted by its /64: it can take a new address in it per guess.
  const ipKey = `ip:${clientKey(input.ip)}`;
  const accountKey = `u:${username}`;
  const throttled = async (retryAfterMs: number): Promise<Refusal> => {
    await audit({ type: "password_throttled", username, ip: input.ip });
    return refuse("throttled", retryAfterMs);
  };
  for (const [limiter, key] of [
    [limits.passwordByIp, ipKey],
    [limits.passwordByAccount, accountKey],
  ] as const) {
    const state = await limiter.check(key);
    if (!state.allowed) return throttled(state.retryAfterMs);
  }
  if (username === "" || input.password === "" || input.password.length > MAX_PASSWORD) {
    return refuse("bad_credentials");
  }

  const byIp = await limits.passwordByIp.consume(ipKey);
  if (!byIp.allowed) return throttled(byIp.retryAfterMs);
  const byAccount = await limits.passwordByAccount.consume(accountKey);
  if (!byAccount.allowed) {
    await limits.passwordByIp.refund(ipKey, byIp.blockedForMs !== undefined);
    return throttled(byAccount.retryAfterMs);
  }
  const giveBack = async (): Promise<void> => {
    await limits.passwordByIp.refund(ipKey, byIp.blockedForMs !== undefined);
    await limits.passwordByAccount.refund(accountKey, byAccount.blockedForMs !== undefined);
  };

  let user: User | undefined;
  let passwordOk = false;
  try {
    user = await stores.users.findByUsername(username);
    if (user) passwordOk = await hasher.verify(user.passwordHash, input.password);
    else await hasher.verifyDummy(input.password);
    // argon2 took a while: Force New Password, a new password or deactivation may have
    // happened meanwhile. Decide on the account as it is now, not as it was read.
    if (user && passwordOk) {
      const now = await stores.users.findById(user.id);
      if (now?.passwordHash !== user.passwordHash) passwordOk = false;
      user = now;
    }
  } catch (err) {
    // Our fault, not the user's: the attempts are given back (better-auth's restore()).
    await giveBack();
    if (err instanceof HasherBusyError) return refuse("busy");
    throw err;
  }

  if (!user || !passwordOk || !user.active) {
    await audit({
      type: "signin_failed",
      userId: user?.id ?? null,
      username,
      ip: input.ip,
      detail: {
        step: "password",
        why: !user ? "unknown_user" : !passwordOk ? "wrong_password" : "inactive",
      },
    });
    if (byAccount.blockedForMs !== undefined || byIp.blockedForMs !== undefined) {
      await audit({ type: "password_throttled", userId: user?.id ?? null, username, ip: input.ip });
    }
    return refuse("bad_credentials");
  }

  await limits.passwordByAccount.reset(accountKey);
  await limits.passwordByIp.refund(ipKey, byIp.blockedForMs !== undefined);
  const { current } = input;
  if (current?.state === "password") return enterNextStep(deps, user, current, input.ip);
  // Another flow in this browser (signing in again half-way): the new one replaces it and
  // keeps where it was going.
  const continuation = current?.purpose === "signin" ? current.continuation : HOME;
  if (current) await stores.flows.delete(current.idHash);
  return enterNextStep(deps, user, undefined, input.ip, continuation);
}
