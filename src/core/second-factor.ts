import type { Authenticator, Challenge, User } from "./ports.js";
import { type Refusal, refuse } from "./reasons.js";
import { type SecretBox, totpSecretAad } from "./secrets.js";
import type { LoadedChallenge, Next, SignInDeps } from "./signin.js";
import { loadChallenge, startSession } from "./signin.js";
import { generateTotpSecret, groupSecret, matchTotpStep, totpUri } from "./totp.js";

export interface SecondFactorDeps extends SignInDeps {
  box: SecretBox;
  appName: string;
}

export interface SetupKey {
  ok: true;
  secret: string;
  grouped: string;
  uri: string;
}

/**
 * The set-up screen's key. It is kept (sealed) on the pending sign-in, made on its first
 * view: a reload of this sign-in shows the same key, a new sign-in gets a new one. So a
 * key seen by someone who held the password earlier (a temporary password, the one
 * before Force New Password) is never the key the user later confirms.
 */
export async function setupKey(
  deps: SecondFactorDeps,
  loaded: LoadedChallenge,
): Promise<SetupKey | Refusal> {
  const { challenge, user } = loaded;
  if (challenge.state !== "setup_app") return refuse("wrong_step");
  if ((await deps.store.getAuthenticator(user.id))?.confirmedAt) return refuse("wrong_step");
  const aad = totpSecretAad(user.id);
  const sealed =
    (await deps.store.getChallengeSecret(challenge.idHash)) ??
    (await deps.store.setChallengeSecret(
      challenge.idHash,
      deps.box.seal(generateTotpSecret(deps.random), aad),
    ));
  if (!sealed) return refuse("expired");
  const secret = deps.box.open(sealed, aad);
  return {
    ok: true,
    secret,
    grouped: groupSecret(secret),
    uri: totpUri(deps.appName, user.username, secret),
  };
}

/**
 * Save on the set-up screen. A valid code confirms the authenticator (and uses its
 * time step); the pending sign-in then ends and the user signs in again.
 */
export async function confirmSetup(
  deps: SecondFactorDeps,
  token: string | undefined,
  code: string,
  ip: string,
): Promise<{ ok: true } | Refusal> {
  const loaded = await loadChallenge(deps, token);
  if (!loaded) return refuse("expired");
  const { challenge, user } = loaded;
  if (challenge.state !== "setup_app") return refuse("wrong_step");
  const gate = await checkCode(deps, user, code);
  if (gate) return gate;
  if ((await deps.store.getAuthenticator(user.id))?.confirmedAt) return refuse("wrong_step");
  // The key this sign-in showed; none yet (Save before Show QR code): nothing to confirm.
  const sealed = await deps.store.getChallengeSecret(challenge.idHash);
  if (!sealed) return refuse("wrong_step");
  // Opened before the attempt is taken: a key we cannot open is our fault (503), never
  // a guess charged to the user.
  const secret = deps.box.open(sealed, totpSecretAad(user.id));

  const attempt = await reserveAttempt(deps, challenge, user);
  if (!attempt.ok) return attempt;
  return withAttempt(deps, challenge, user, attempt, async () => {
    const step = matchTotpStep(secret, code, deps.clock.now());
    if (step === null) return wrongCode(deps, challenge, user, ip, attempt);
    // One transaction ends this pending sign-in (it must still hold the key shown) and
    // copies its key into the user's authenticator with the step used: of racing Saves
    // (any tab, any instance) exactly one confirms, and none after Force New Password.
    const confirmed = await deps.store.confirmAuthenticator({
      challengeIdHash: challenge.idHash,
      secretBox: sealed,
      step,
      now: deps.clock.now(),
    });
    if (!confirmed) return usedCode(deps, challenge, user, ip, attempt);
    await deps.store.deleteChallenge(challenge.idHash);
    await deps.limits.secondFactor.reset(user.id);
    await deps.audit({ type: "authenticator_added", userId: user.id, actorId: user.id, ip });
    return { ok: true } as const;
  });
}

/** Confirm on the verification screen with an authenticator-app code. */
export async function verifyAppCode(
  deps: SecondFactorDeps,
  token: string | undefined,
  code: string,
  ip: string,
): Promise<Next | Refusal> {
  const loaded = await loadChallenge(deps, token);
  if (!loaded) return refuse("expired");
  const { challenge, user, methods } = loaded;
  if (challenge.state !== "verify" || !methods.includes("app")) return refuse("wrong_step");
  const gate = await checkCode(deps, user, code);
  if (gate) return gate;
  const auth = await deps.store.getAuthenticator(user.id);
  if (!auth?.confirmedAt) return refuse("wrong_step");
  const secret = openAppSecret(deps, user, auth);
  const attempt = await reserveAttempt(deps, challenge, user);
  if (!attempt.ok) return attempt;
  return withAttempt(deps, challenge, user, attempt, () =>
    checkAppCode(deps, { challenge, user, secret }, code, ip, attempt),
  );
}

/**
 * The user's authenticator key, opened BEFORE an attempt is reserved: a box that does
 * not open (copied from another row, SECRET_KEY changed without its previous key) throws,
 * which answers 503 and charges the user nothing (STYLE: never charge for a server fault).
 */
export function openAppSecret(deps: SecondFactorDeps, user: User, auth: Authenticator): string {
  return deps.box.open(auth.secretBox, totpSecretAad(user.id));
}

/** An app code (key opened already) on an attempt reserved already: wrong, used, or signs in. */
export async function checkAppCode(
  deps: SecondFactorDeps,
  target: { challenge: Challenge; user: User; secret: string },
  code: string,
  ip: string,
  attempt: Attempt,
): Promise<Next | Refusal> {
  const { challenge, user, secret } = target;
  const step = matchTotpStep(secret, code, deps.clock.now());
  if (step === null) return wrongCode(deps, challenge, user, ip, attempt);
  // The compare-and-swap on the last used step lets exactly one of many concurrent
  // submissions of one code through, on any number of instances.
  if (!(await deps.store.useTotpStep(user.id, step))) {
    return usedCode(deps, challenge, user, ip, attempt);
  }
  return finishSecondFactor(deps, challenge, user, ip, "app");
}

/** After a correct second factor: the challenge is consumed once, then a new session. */
export async function finishSecondFactor(
  deps: SignInDeps,
  challenge: Challenge,
  user: User,
  ip: string,
  method: string,
): Promise<Next | Refusal> {
  const taken = await deps.store.takeChallenge(challenge.idHash, "verify");
  if (!taken) return refuse("expired");
  await deps.limits.secondFactor.reset(user.id);
  return startSession(deps, user, ip, method);
}

/**
 * Throttle order, first part: is the account's second factor locked? is the code well
 * formed? Neither counts: a malformed code is not a guess. reserveAttempt comes next.
 */
export async function checkCode(
  deps: SignInDeps,
  user: User,
  code: string,
): Promise<Refusal | undefined> {
  const lock = await deps.limits.secondFactor.check(user.id);
  if (!lock.allowed) return refuse("second_factor_locked", lock.retryAfterMs);
  if (!/^\d{6}$/.test(code)) return refuse("malformed_code");
  return undefined;
}

/** One code attempt, counted on the pending sign-in and on the account before checking. */
export interface Attempt {
  ok: true;
  /** The pending sign-in's count, this attempt included. */
  failed: number;
  /** Set when this attempt took the account's last point: a wrong code locks this long. */
  lockMs?: number;
  /**
   * Set once the code is judged wrong (counted for good) or used (given back already):
   * from then on a throw must not give the attempt back (again).
   */
  judged?: boolean;
}

/**
 * Throttle order, second part: one attempt is reserved on the pending sign-in, then on
 * the account, BEFORE the code is checked. Counting after the check let N parallel
 * guesses all pass a limit none of them had raised yet (200 checked against 5). Now at
 * most maxWrongCodesPerChallenge codes are checked per pending sign-in, and at most the
 * account limit's points per block, however many race, on any number of instances.
 */
export async function reserveAttempt(
  deps: SignInDeps,
  challenge: Challenge,
  user: User,
): Promise<Attempt | Refusal> {
  const max = deps.settings.maxWrongCodesPerChallenge;
  const failed = await deps.store.reserveCodeAttempt(challenge.idHash, max);
  if (failed === undefined) {
    // All its attempts are taken by requests still in flight (or it is gone). Refused
    // unchecked, like a wrong code, and not ended here: those attempts end it if they
    // are wrong, and a racing loser must not end the winner's sign-in.
    const alive = await deps.store.findChallenge(challenge.idHash, deps.clock.now());
    return refuse(alive ? "invalid_code" : "expired");
  }
  let account: Awaited<ReturnType<typeof deps.limits.secondFactor.consume>>;
  try {
    account = await deps.limits.secondFactor.consume(user.id);
  } catch (err) {
    // The limiter failed (Redis down): nothing was checked, so the pending sign-in's
    // attempt goes back; the request still answers 503.
    await bestEffort(() => deps.store.refundCodeAttempt(challenge.idHash));
    throw err;
  }
  if (!account.allowed) {
    // Not checked, so not a guess on this sign-in either.
    await deps.store.refundCodeAttempt(challenge.idHash);
    return refuse("second_factor_locked", account.retryAfterMs);
  }
  return account.blockedForMs === undefined
    ? { ok: true, failed }
    : { ok: true, failed, lockMs: account.blockedForMs };
}

/**
 * Runs the steps after reserveAttempt. A throw before the code is judged (the store or
 * the limiter failing in useTotpStep, useChallengeCode, confirmAuthenticator,
 * takeChallenge, startSession…) is our fault, not a guess: both counts are given back,
 * best effort, and the original error goes on (503). Without this, five 503s during a
 * Redis or database blip used up the pending sign-in (the right code then refused) or
 * locked the account. A wrong code (attempt.judged) stays counted whatever happens next.
 */
export async function withAttempt<T>(
  deps: SignInDeps,
  challenge: Challenge,
  user: User,
  attempt: Attempt,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!attempt.judged) {
      attempt.judged = true;
      await bestEffort(() => deps.store.refundCodeAttempt(challenge.idHash));
      await bestEffort(() =>
        deps.limits.secondFactor.refund(user.id, attempt.lockMs !== undefined),
      );
    }
    throw err;
  }
}

/** A refund during a fault: if it fails too, the first error is the one reported. */
async function bestEffort(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch {
    // Ignored on purpose: the caller rethrows the original error.
  }
}

/**
 * A valid code that was used already (a double submission, a replay): refused (RFC 6238
 * §5.2) with the same words as a wrong code, but not a guess, so its attempt is given
 * back. Counting it let the losers of a race of one code end the pending sign-in the
 * winner was finishing (5 "wrong" codes) and lock the account's second factor.
 */
export async function usedCode(
  deps: SignInDeps,
  challenge: Challenge,
  user: User,
  ip: string,
  attempt: Attempt,
  detail: Record<string, unknown> = {},
): Promise<Refusal> {
  attempt.judged = true;
  await deps.store.refundCodeAttempt(challenge.idHash);
  await deps.limits.secondFactor.refund(user.id, attempt.lockMs !== undefined);
  await deps.audit({
    type: "second_factor_failed",
    userId: user.id,
    ip,
    detail: { ...detail, reused: true },
  });
  return refuse("invalid_code");
}

/** A wrong code, counted already by reserveAttempt: at a limit it locks or ends the sign-in. */
export async function wrongCode(
  deps: SignInDeps,
  challenge: Challenge,
  user: User,
  ip: string,
  attempt: Attempt,
  detail: Record<string, unknown> = {},
): Promise<Refusal> {
  attempt.judged = true;
  const { failed } = attempt;
  await deps.audit({
    type: "second_factor_failed",
    userId: user.id,
    ip,
    detail: { ...detail, failed },
  });
  if (attempt.lockMs !== undefined) {
    await deps.store.deleteChallenge(challenge.idHash);
    await deps.audit({ type: "second_factor_locked", userId: user.id, ip });
    return refuse("second_factor_locked", attempt.lockMs);
  }
  if (failed >= deps.settings.maxWrongCodesPerChallenge) {
    await deps.store.deleteChallenge(challenge.idHash);
    await deps.audit({ type: "challenge_ended", userId: user.id, ip, detail: { failed } });
    return refuse("too_many_codes");
  }
  return refuse("invalid_code");
}
