import type { ChallengeCode, Mailer, SendQuota, SmsSender, User } from "./ports.js";
import { DeliveryError } from "./ports.js";
import { type Refusal, refuse } from "./reasons.js";
import {
  checkAppCode,
  checkCode,
  finishSecondFactor,
  openAppSecret,
  reserveAttempt,
  type SecondFactorDeps,
  usedCode,
  withAttempt,
  wrongCode,
} from "./second-factor.js";
import { hashToken, hmacHex, newToken, safeEqual } from "./secrets.js";
import { type LoadedChallenge, loadChallenge, type Next } from "./signin.js";

export type CodeMethod = "email" | "sms";

/** The messages a code goes out in; built by delivery/messages.ts, passed in by wiring. */
export interface CodeMessages {
  email(input: { appName: string; code: string; minutes: number }): {
    subject: string;
    text: string;
    html: string;
  };
  sms(input: { appName: string; code: string; minutes: number }): string;
}

export interface CodeDeps extends SecondFactorDeps {
  /** Absent: the method cannot be used (no provider configured). */
  mailer?: Mailer;
  sms?: SmsSender;
  quota: SendQuota;
  /** HMAC key for codes at rest, derived from SECRET_KEY ("code-hmac"). */
  codeKey: Buffer;
  codeTtlMs: number;
  messages: CodeMessages;
}

export type SendOutcome =
  | { ok: true; method: CodeMethod; destination: string; token?: string }
  | Refusal;

const CODE_SPACE = 1_000_000;

/**
 * Where a code by `method` would go for this user, if the method is enabled, has a
 * provider, and the account has an address/number for it.
 */
export function codeDestination(
  deps: CodeDeps,
  loaded: LoadedChallenge,
  method: CodeMethod,
): string | undefined {
  if (!loaded.methods.includes(method)) return undefined;
  if (method === "email") return deps.mailer ? (loaded.user.email ?? undefined) : undefined;
  return deps.sms ? (loaded.user.phone ?? undefined) : undefined;
}

/** The methods this user can be sent a code by now, email first (see docs/codes.md). */
export function codeMethodsFor(deps: CodeDeps, loaded: LoadedChallenge): CodeMethod[] {
  return (["email", "sms"] as const).filter((m) => codeDestination(deps, loaded, m) !== undefined);
}

/** The code on this pending sign-in, if one was sent and is still valid. */
export async function liveCode(
  deps: CodeDeps,
  loaded: LoadedChallenge,
): Promise<ChallengeCode | undefined> {
  const code = await deps.store.getChallengeCode(loaded.challenge.idHash);
  return code && code.expiresAt > deps.clock.now() ? code : undefined;
}

function codeHmac(deps: CodeDeps, user: User, code: string): string {
  // The user id is in the MAC input: a stored value copied onto another user's
  // challenge matches nothing.
  return hmacHex(deps.codeKey, `${user.id}:${code}`);
}

/**
 * Sends a code for this pending sign-in (set-up or verification screen). Order: method
 * available → account not locked → quota taken → code stored (replacing the last one,
 * keeping the wrong-code count) → sent. A provider failure gives the quota back and
 * withdraws the code only when the message certainly did not go out
 * (DeliveryError.definite); otherwise the code stays valid; see docs/codes.md.
 * From the set-up screen the challenge then moves to `verify` under a new token.
 */
export async function sendCode(
  deps: CodeDeps,
  loaded: LoadedChallenge,
  input: { method: CodeMethod; ip: string },
): Promise<SendOutcome> {
  const { challenge, user } = loaded;
  const { method, ip } = input;
  if (challenge.state !== "verify" && challenge.state !== "setup_app") {
    return refuse("wrong_step");
  }
  const destination = codeDestination(deps, loaded, method);
  if (!destination) return refuse("method_unavailable");
  const lock = await deps.limits.secondFactor.check(user.id);
  if (!lock.allowed) return refuse("second_factor_locked", lock.retryAfterMs);

  const quota = await deps.quota.take({ userId: user.id, method, destination, ip });
  if (!quota.allowed) {
    await deps.audit({
      type: "code_send_refused",
      userId: user.id,
      ip,
      detail: { method, limit: quota.limit, retryAfterMs: quota.retryAfterMs },
    });
    return refuse("send_throttled", quota.retryAfterMs);
  }

  const now = deps.clock.now();
  const code = String(deps.random.int(CODE_SPACE)).padStart(6, "0");
  const hmac = codeHmac(deps, user, code);
  const stored = await deps.store.setChallengeCode(challenge.idHash, {
    hmac,
    method,
    sentAt: now,
    expiresAt: now + deps.codeTtlMs,
  });
  if (!stored) {
    await quota.refund();
    return refuse("expired");
  }

  const minutes = Math.max(1, Math.round(deps.codeTtlMs / 60_000));
  const message = { appName: deps.appName, code, minutes };
  try {
    if (method === "email") {
      await deps.mailer?.send({ to: destination, ...deps.messages.email(message) });
    } else {
      await deps.sms?.send(destination, deps.messages.sms(message));
    }
  } catch (err) {
    // A definite refusal (4xx, nothing connected) sent nothing: the send is given back
    // and the code withdrawn. A timeout or 5xx may have delivered it: the send stays
    // counted (every counter, the SMS budget and the destination's too), or looping
    // sends against a slow provider would pump SMS for free; and the code stays valid,
    // so a late SMS works instead of being charged as a wrong guess (docs/codes.md).
    const definite = err instanceof DeliveryError && err.definite;
    if (definite) {
      await quota.refund();
      await deps.store.clearChallengeCode(challenge.idHash, hmac);
    }
    await deps.audit({
      type: "code_send_failed",
      userId: user.id,
      ip,
      // DeliveryError messages name the provider and status, never the content.
      detail: {
        method,
        error: err instanceof DeliveryError ? err.message : "unexpected error",
        refunded: definite,
      },
    });
    return refuse("send_failed");
  }
  await deps.audit({ type: "code_sent", userId: user.id, ip, detail: { method } });

  if (challenge.state === "setup_app") {
    // Choosing a code instead of the app: on to verification, under a new cookie value.
    const token = newToken(deps.random);
    const moved = await deps.store.advanceChallenge(
      challenge.idHash,
      "setup_app",
      "verify",
      hashToken(token),
    );
    if (!moved) return refuse("expired");
    return { ok: true, method, destination, token };
  }
  return { ok: true, method, destination };
}

/**
 * Confirm on the verification screen: an emailed/SMS code when one is live on this
 * pending sign-in, else (or when it does not match) the authenticator app's code.
 * Either way the attempt is counted once, before either is checked (reserveAttempt).
 */
export async function verifyCode(
  deps: CodeDeps,
  token: string | undefined,
  code: string,
  ip: string,
): Promise<Next | Refusal> {
  const loaded = await loadChallenge(deps, token);
  if (!loaded) return refuse("expired");
  const { challenge, user, methods } = loaded;
  if (challenge.state !== "verify") return refuse("wrong_step");
  const gate = await checkCode(deps, user, code);
  if (gate) return gate;
  const stored = await liveCode(deps, loaded);
  const auth = methods.includes("app") ? await deps.store.getAuthenticator(user.id) : undefined;
  // The app key is opened before the attempt is taken: one we cannot open is our fault
  // (503), not a guess. With a code sent by email/SMS live, that code is still checked.
  let appSecret: string | undefined;
  let appFault: unknown;
  if (auth?.confirmedAt) {
    try {
      appSecret = openAppSecret(deps, user, auth);
    } catch (err) {
      if (!stored) throw err;
      appFault = err;
    }
  }
  const attempt = await reserveAttempt(deps, challenge, user);
  if (!attempt.ok) return attempt;

  // withAttempt: a store/limiter fault before the verdict gives the attempt back (503).
  return withAttempt(deps, challenge, user, attempt, async () => {
    // Constant-time compare of the MACs, then one conditional UPDATE: a code is used once.
    const sentChecked = stored !== undefined && methods.includes(stored.method);
    if (sentChecked && safeEqual(codeHmac(deps, user, code), stored.hmac)) {
      if (await deps.store.useChallengeCode(challenge.idHash, stored.hmac, deps.clock.now())) {
        return finishSecondFactor(deps, challenge, user, ip, stored.method);
      }
      // The right code, used a moment ago by a concurrent submission: refused, but not a
      // guess, so its attempt is given back (as with a reused app code).
      return usedCode(deps, challenge, user, ip, attempt, { method: stored.method });
    }
    if (appSecret !== undefined) {
      return checkAppCode(deps, { challenge, user, secret: appSecret }, code, ip, attempt);
    }
    // No sent code was checked and the app key could not be opened: no guess was judged,
    // so the throw gives the attempt back (withAttempt) and answers 503.
    if (appFault !== undefined && !sentChecked) throw appFault;
    // The guess WAS checked against the sent code and is wrong: it counts, even though
    // the app's key could not be opened (refunding it gave unlimited guesses at the
    // emailed code). The fault is recorded on the audit event for the operator.
    const fault = appFault === undefined ? {} : { appKeyUnreadable: true };
    return wrongCode(deps, challenge, user, ip, attempt, fault);
  });
}
