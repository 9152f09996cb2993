import type { Audit } from "./audit.js";
import { clientKey } from "./client-key.js";
import type { PasswordHasher } from "./password.js";
import { HasherBusyError } from "./password.js";
import { checkNewPassword, type PasswordRules } from "./password-policy.js";
import { getEnabledMethods, normalizeUsername } from "./policy.js";
import type {
  Challenge,
  ChallengeState,
  Clock,
  Limits,
  Method,
  Random,
  Store,
  User,
} from "./ports.js";
import { type Refusal, refuse } from "./reasons.js";
import { hashToken, newToken } from "./secrets.js";

export interface SignInSettings {
  challengeTtlMs: number;
  sessionTtlMs: number;
  maxWrongCodesPerChallenge: number;
  passwordRules: PasswordRules;
}

export interface SignInDeps {
  store: Store;
  hasher: PasswordHasher;
  limits: Limits;
  clock: Clock;
  random: Random;
  audit: Audit;
  settings: SignInSettings;
}

/** Where a step leads: a pending sign-in in a new state, or a signed-in session. */
export type Next =
  | { ok: true; kind: "challenge"; token: string; state: ChallengeState }
  | { ok: true; kind: "session"; token: string };

export interface LoadedChallenge {
  challenge: Challenge;
  user: User;
  methods: Method[];
}

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Step 1: username and password. Unknown user and wrong password look the same.
 * Throttle order: blocked? → well formed? → one attempt taken on the address and on the
 * typed username → argon2 → on success the account's count is reset and the address's
 * attempt given back. Taking the attempts after argon2 let every one of N parallel
 * guesses through a limit none of them had raised yet.
 */
export async function submitPassword(
  deps: SignInDeps,
  input: { username: string; password: string; ip: string },
): Promise<Next | Refusal> {
  const { store, hasher, limits, audit } = deps;
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
    user = await store.findUserByUsername(username);
    if (user) passwordOk = await hasher.verify(user.passwordHash, input.password);
    else await hasher.verifyDummy(input.password);
    // argon2 took a while: Force New Password, a new password or deactivation may have
    // happened meanwhile. Decide on the account as it is now, not as it was read.
    if (user && passwordOk) {
      const now = await store.findUserById(user.id);
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
  return enterNextStep(deps, user, undefined, input.ip);
}

/** The pending sign-in behind a cookie token, if it is alive and its user may still sign in. */
export async function loadChallenge(
  deps: SignInDeps,
  token: string | undefined,
): Promise<LoadedChallenge | undefined> {
  if (!token) return undefined;
  const challenge = await deps.store.findChallenge(hashToken(token), deps.clock.now());
  if (!challenge) return undefined;
  const user = await deps.store.findUserById(challenge.userId);
  if (!user?.active) return undefined;
  return { challenge, user, methods: await getEnabledMethods(deps.store) };
}

/** Step 2: the forced password change. */
export async function changePassword(
  deps: SignInDeps,
  token: string | undefined,
  input: { newPassword: string; confirmPassword: string; ip: string },
): Promise<Next | Refusal> {
  const loaded = await loadChallenge(deps, token);
  if (!loaded || !token) return refuse("expired");
  const { challenge, user } = loaded;
  if (challenge.state !== "change_password") return refuse("wrong_step");
  if (input.newPassword !== input.confirmPassword) return refuse("password_mismatch");
  try {
    const verdict = await checkNewPassword(deps.hasher, deps.settings.passwordRules, {
      password: input.newPassword,
      username: user.username,
      oldPasswordHash: user.passwordHash,
    });
    if (!verdict.ok) return verdict;
    const passwordHash = await deps.hasher.hash(input.newPassword);
    // Claim the step first: of two racing submissions only one changes the password.
    const next = await enterNextStep(
      deps,
      { ...user, mustChangePassword: false },
      challenge,
      input.ip,
    );
    if (!next.ok) return next;
    await deps.store.setPassword(user.id, passwordHash, false);
    await deps.audit({ type: "password_changed", userId: user.id, actorId: user.id, ip: input.ip });
    return next;
  } catch (err) {
    if (err instanceof HasherBusyError) return refuse("busy");
    throw err;
  }
}

/**
 * Decides the step after `from` (undefined: after the password) and moves there:
 * forced change → app set-up → second factor → signed in.
 */
export async function enterNextStep(
  deps: SignInDeps,
  user: User,
  from: Challenge | undefined,
  ip: string,
): Promise<Next | Refusal> {
  const state = await nextState(deps, user, from?.state);
  const token = newToken(deps.random);
  const now = deps.clock.now();
  if (state === "signed_in") {
    if (from && !(await deps.store.takeChallenge(from.idHash, from.state)))
      return refuse("expired");
    return startSession(deps, user, ip);
  }
  if (from) {
    // A new cookie value at each step: a token seen at one step is worthless at the next.
    const moved = await deps.store.advanceChallenge(
      from.idHash,
      from.state,
      state,
      hashToken(token),
    );
    if (!moved) return refuse("expired");
  } else {
    await deps.store.createChallenge({
      idHash: hashToken(token),
      userId: user.id,
      state,
      createdAt: now,
      expiresAt: now + deps.settings.challengeTtlMs,
      failedCodes: 0,
    });
  }
  return { ok: true, kind: "challenge", token, state };
}

async function nextState(
  deps: SignInDeps,
  user: User,
  from: ChallengeState | undefined,
): Promise<ChallengeState | "signed_in"> {
  if (from === undefined && user.mustChangePassword) return "change_password";
  const methods = await getEnabledMethods(deps.store);
  if (methods.length === 0) return "signed_in";
  if (methods.includes("app")) {
    const auth = await deps.store.getAuthenticator(user.id);
    if (!auth?.confirmedAt) return "setup_app";
  }
  return "verify";
}

/** Step 4: a fresh session id, never the challenge's. */
export async function startSession(
  deps: SignInDeps,
  user: User,
  ip: string,
  method?: string,
): Promise<Next> {
  const token = newToken(deps.random);
  const now = deps.clock.now();
  await deps.store.createSession({
    idHash: hashToken(token),
    userId: user.id,
    createdAt: now,
    expiresAt: now + deps.settings.sessionTtlMs,
  });
  await deps.store.recordSignIn(user.id, now);
  await deps.audit({
    type: "signin_ok",
    userId: user.id,
    username: user.username,
    ip,
    detail: method ? { method } : {},
  });
  return { ok: true, kind: "session", token };
}

export async function currentUser(
  deps: Pick<SignInDeps, "store" | "clock">,
  sessionToken: string | undefined,
): Promise<User | undefined> {
  if (!sessionToken) return undefined;
  const session = await deps.store.findSession(hashToken(sessionToken), deps.clock.now());
  if (!session) return undefined;
  const user = await deps.store.findUserById(session.userId);
  return user?.active ? user : undefined;
}

/**
 * Sign out: the session and the pending sign-in behind this browser's cookies end on the
 * server, so a copied cookie (or a set-up key a pending sign-in holds) is worth nothing.
 */
export async function signOut(
  deps: Pick<SignInDeps, "store" | "audit">,
  tokens: { session?: string | undefined; signin?: string | undefined },
  user: User | undefined,
  ip: string,
): Promise<void> {
  if (tokens.session) await deps.store.deleteSession(hashToken(tokens.session));
  if (tokens.signin) await deps.store.deleteChallenge(hashToken(tokens.signin));
  if (user) await deps.audit({ type: "signout", userId: user.id, ip });
}
