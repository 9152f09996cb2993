import { verifyDeviceCookie } from "./device-cookie.js";
import type { AppFactor } from "./factors/app.js";
import { isSixDigits } from "./factors/factor.js";
import { attempt } from "./flow/attempts.js";
import { type FlowDeps, loadFlow, startEnrolment } from "./flow/flow.js";
import { BUSY_RETRY_AFTER_MS, HasherBusyError } from "./password.js";
import {
  checkPasswordAttempt,
  type PasswordAttempt,
  reservePasswordAttempt,
} from "./password-attempts.js";
import { refuseOwnNewPassword } from "./password-policy.js";
import { getEnabledMethods } from "./policy.js";
import type { Continuation } from "./ports/flows.js";
import type { Session } from "./ports/sessions.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";
import { type Refusal, refuse } from "./reasons.js";
import { forgetDevices } from "./remembered-devices.js";

// The account page's changes (issue 11): a user's own password, authenticator app and
// sessions. The web asks for a fresh second factor first where docs/account.md says so;
// each change is one transaction with its audit event and the user's notice.

export interface AccountDeps extends FlowDeps {
  stores: FlowDeps["stores"];
  factors: FlowDeps["factors"] & { app: AppFactor };
  /** The provider's sign-ins for this user end (other sessions signed out). */
  onAccountEnded?: (userId: string) => Promise<void>;
}

/** The signed-in person making the change, and the session they make it from. */
export interface Self {
  user: User;
  session: Session;
  ip: string;
  /** The browser's device cookie: its password attempts are counted as at Login. */
  deviceCookie?: string | undefined;
}

export type ChangeResult = { ok: true; sessionsEnded: number } | Refusal;

/**
 * Change password: the current one (counted in the password limits exactly as at Login:
 * a stolen session cannot guess it faster than a stranger at Login could), the new one
 * twice under the policy of every new password. Then, in one transaction: the new hash,
 * every other session and pending sign-in of the user ended (this one kept), the event and
 * the user's email.
 */
export async function changeOwnPassword(
  deps: AccountDeps,
  self: Self,
  input: { current: string; newPassword: string; confirmPassword: string },
): Promise<ChangeResult> {
  const { user } = self;
  const device = verifyDeviceCookie(
    deps.deviceKeys,
    self.deviceCookie,
    user.username,
    deps.clock.now(),
  );
  const counted: PasswordAttempt = {
    username: user.username,
    ip: self.ip,
    deviceId: device.ok ? device.deviceId : undefined,
  };
  const gate = await checkPasswordAttempt(deps.limits.password, counted);
  if (!gate.ok) return refuse("throttled", gate.retryAfterMs);
  if (input.current === "" || input.current.length > 1024) return refuse("current_password_wrong");
  const reservation = await reservePasswordAttempt(deps.limits.password, counted);
  if (!reservation.ok) return refuse("throttled", reservation.retryAfterMs);
  let right: boolean;
  try {
    right = await deps.hasher.verify(user.passwordHash, input.current);
  } catch (err) {
    // Our fault, not the user's: the attempt is given back.
    await reservation.giveBack();
    if (err instanceof HasherBusyError) return refuse("busy", BUSY_RETRY_AFTER_MS);
    throw err;
  }
  if (!right) {
    await deps.audit({
      type: "current_password_wrong",
      userId: user.id,
      actorId: user.id,
      username: user.username,
      ip: self.ip,
    });
    return refuse("current_password_wrong");
  }
  await reservation.succeeded();

  if (input.newPassword !== input.confirmPassword) return refuse("password_mismatch");
  try {
    const refused = await refuseOwnNewPassword(
      deps.hasher,
      deps.rules.passwordRules,
      user,
      input.newPassword,
      (await getEnabledMethods(deps.stores.settings)).length > 0,
    );
    if (refused) return refused;
    const passwordHash = await deps.hasher.hash(input.newPassword);
    const sessionsEnded = await deps.stores.atomically(async (tx) => {
      await tx.users.setPassword(user.id, passwordHash, false);
      const ended = await endOthers(tx, user.id, self.session.idHash);
      // Issue 11: a new password forgets every remembered device, in this transaction.
      await forgetDevices(user.id, tx);
      await deps.audit(
        {
          type: "password_changed",
          userId: user.id,
          actorId: user.id,
          username: user.username,
          ip: self.ip,
          detail: { via: "account", sessionsEnded: ended },
        },
        tx,
      );
      return ended;
    });
    return { ok: true, sessionsEnded };
  } catch (err) {
    if (err instanceof HasherBusyError) return refuse("busy", BUSY_RETRY_AFTER_MS);
    throw err;
  }
}

/**
 * Sign out other sessions: every session of the user but this one, and their pending
 * sign-ins, in one transaction with the event and the user's email. No step-up (GitHub
 * asks none either): it only takes access away, and a thief holding this session gains
 * nothing by it that signing out the owner would not already show them.
 */
export async function endOtherSessions(deps: AccountDeps, self: Self): Promise<ChangeResult> {
  const { user } = self;
  const sessionsEnded = await deps.stores.atomically(async (tx) => {
    const ended = await endOthers(tx, user.id, self.session.idHash);
    await deps.audit(
      {
        type: "other_sessions_ended",
        userId: user.id,
        actorId: user.id,
        username: user.username,
        ip: self.ip,
        detail: { sessionsEnded: ended },
      },
      tx,
    );
    return ended;
  });
  return { ok: true, sessionsEnded };
}

/** The user's other sessions and their sign-ins in progress end; this session stays. */
async function endOthers(
  tx: Pick<Stores, "sessions" | "flows">,
  userId: string,
  keepIdHash: string,
): Promise<number> {
  await tx.flows.deleteForUser(userId, keepIdHash);
  return tx.sessions.deleteOthers(userId, keepIdHash);
}

/**
 * Replace the authenticator app, step 1 (after a fresh second factor): an `enrol` flow
 * in `setup_app`, bound to this session, ending back at `continuation`. Its set-up key is
 * made when the person asks to see it (factors/app.ts start), as at sign-in.
 */
export async function startAppReplacement(
  deps: AccountDeps,
  self: Self,
  continuation: Continuation,
): Promise<string> {
  return startEnrolment(
    deps,
    { sessionIdHash: self.session.idHash, userId: self.user.id },
    continuation,
  );
}

/**
 * Replace the authenticator app, step 2: a code from the NEW key, judged under the same
 * throttle rules as every code (attempts.ts). Only the session that started the enrolment
 * may finish it.
 */
export async function confirmAppReplacement(
  deps: AccountDeps,
  self: Self,
  token: string | undefined,
  code: string,
): Promise<{ ok: true; kind: "done"; continuation: Continuation } | Refusal> {
  const loaded = await loadFlow(deps, token);
  if (!loaded) return refuse("expired");
  const { flow } = loaded;
  if (
    flow.purpose !== "enrol" ||
    flow.state !== "setup_app" ||
    flow.sessionIdHash !== self.session.idHash ||
    flow.userId !== self.user.id
  ) {
    return refuse("wrong_step");
  }
  const app = deps.factors.app;
  return attempt(
    deps,
    loaded,
    {
      text: code,
      wellFormed: isSixDigits(code),
      prepare: async () => {
        const judge = await app.prepareReplacement(loaded, self.ip);
        return typeof judge === "function" ? { judges: [judge], faults: [] } : judge;
      },
      ip: self.ip,
    },
    async () => ({ ok: true, kind: "done", continuation: flow.continuation }),
  );
}
