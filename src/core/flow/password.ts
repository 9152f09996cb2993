import { verifyDeviceCookie } from "../device-cookie.js";
import { BUSY_RETRY_AFTER_MS, HasherBusyError } from "../password.js";
import {
  checkPasswordAttempt,
  type PasswordAttempt,
  type PasswordLimit,
  reservePasswordAttempt,
} from "../password-attempts.js";
import { normalizeUsername } from "../policy.js";
import type { Flow } from "../ports/flows.js";
import type { User } from "../ports/users.js";
import { type Refusal, refuse } from "../reasons.js";
import { enterNextStep, type FlowDeps, HOME, type Next, type RememberedBrowser } from "./flow.js";

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Step 1: username and password. Unknown user and wrong password look the same.
 * Throttle order: blocked? → well formed? → one attempt taken on every counter of this
 * attempt → argon2 → on success the browser's own count is forgotten and the shared ones
 * given back. Taking the attempts after argon2 let every one of N parallel guesses through
 * a limit none of them had raised yet. The counters (core/password-attempts.ts): account +
 * address (tight) and account (loose), or instead, for a browser whose device cookie was
 * issued to this username at an earlier sign-in, account + device; and the address. So
 * guesses from elsewhere cannot lock the owner out (the lockout lever, issue 14).
 *
 * `current` is the flow this browser holds, if any: one waiting for its password is
 * bound to the user; any other sign-in flow is replaced by the new one, which keeps its
 * continuation (one flow per browser).
 */
export async function submitPassword(
  deps: FlowDeps,
  input: {
    username: string;
    password: string;
    ip: string;
    /** The browser's User-Agent, for the session it may begin. */
    userAgent?: string | null;
    current?: Flow | undefined;
    /** The browser's device cookie (core/device-cookie.ts), if it sent one. */
    deviceCookie?: string | undefined;
    /** Issue 11: its remembered-device cookie, which may skip the second factor. */
    remembered?: RememberedBrowser | undefined;
  },
): Promise<Next | Refusal> {
  const { stores, hasher, limits, audit } = deps;
  // A control character (NUL above all: PostgreSQL refuses it in text, so the limiter
  // key and the audit row would fail with 503) is never in a username we create. Refused
  // before any limiter or store sees it, with the wrong-password answer. No dummy hash:
  // no account can have such a name, so a fast answer tells nothing about accounts.
  if (CONTROL_CHARACTER.test(input.username)) return refuse("bad_credentials");
  const username = normalizeUsername(input.username).slice(0, MAX_USERNAME);
  const device = verifyDeviceCookie(
    deps.deviceKeys,
    input.deviceCookie,
    username,
    deps.clock.now(),
  );
  const counted: PasswordAttempt = {
    username,
    ip: input.ip,
    deviceId: device.ok ? device.deviceId : undefined,
  };
  const throttled = async (limit: PasswordLimit, retryAfterMs: number): Promise<Refusal> => {
    await audit({ type: "password_throttled", username, ip: input.ip, detail: { limit } });
    return refuse("throttled", retryAfterMs);
  };
  const gate = await checkPasswordAttempt(limits.password, counted);
  if (!gate.ok) return throttled(gate.limit, gate.retryAfterMs);
  if (username === "" || input.password === "" || input.password.length > MAX_PASSWORD) {
    return refuse("bad_credentials");
  }

  const reservation = await reservePasswordAttempt(limits.password, counted);
  if (!reservation.ok) return throttled(reservation.limit, reservation.retryAfterMs);

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
    await reservation.giveBack();
    if (err instanceof HasherBusyError) return refuse("busy", BUSY_RETRY_AFTER_MS);
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
    if (reservation.exhausted.length > 0) {
      await audit({
        type: "password_throttled",
        userId: user?.id ?? null,
        username,
        ip: input.ip,
        detail: { limits: reservation.exhausted },
      });
    }
    return refuse("bad_credentials");
  }

  await reservation.succeeded();
  // A temporary password set by staff works for 72 hours (issue 11). Said only to whoever
  // typed it right: ask for a new one.
  const expiresAt = user.passwordExpiresAt ?? null;
  if (expiresAt !== null && deps.clock.now() >= expiresAt) {
    await audit({
      type: "signin_failed",
      userId: user.id,
      username,
      ip: input.ip,
      detail: { step: "password", why: "temporary_password_expired" },
    });
    return refuse("temporary_password_expired");
  }
  const { current } = input;
  const remembered = input.remembered;
  const client = { ip: input.ip, userAgent: input.userAgent };
  if (current?.state === "password") {
    return enterNextStep(deps, user, current, client, current.continuation, remembered);
  }
  // Another flow in this browser (signing in again half-way): the new one replaces it and
  // keeps where it was going.
  const continuation = current?.purpose === "signin" ? current.continuation : HOME;
  if (current) await stores.flows.delete(current.idHash);
  return enterNextStep(deps, user, undefined, client, continuation, remembered);
}
