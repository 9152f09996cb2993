import type { Audit } from "../audit.js";
import type { FactorContext } from "../factors/factor.js";
import type { Factors } from "../factors/registry.js";
import type { PasswordHasher } from "../password.js";
import type { PasswordRules } from "../password-policy.js";
import { getEnabledMethods, METHODS_KEY } from "../policy.js";
import type { Continuation, Flow, FlowPurpose, FlowState } from "../ports/flows.js";
import type { Limits } from "../ports/limits.js";
import type { Clock, Random } from "../ports/runtime.js";
import type { SettingsStore } from "../ports/settings.js";
import type { Stores } from "../ports/stores.js";
import type { User } from "../ports/users.js";
import { type Refusal, refuse } from "../reasons.js";
import { DAYS_KEY, secondFactorRequiredBy, useRememberedDevice } from "../remembered-devices.js";
import { hashToken, newToken } from "../secrets.js";
import { type Client, type StartedSession, startSession } from "../sessions.js";
import { lockedRefusal } from "./attempts.js";

// The flow: one pending sign-in, enrolment or step-up per browser, as a short server-side
// state machine (DESIGN §2). Every step checks the flow's state on the server and moves it
// with a compare-and-swap under a new token, so no step can be skipped by going to a later
// URL and a token seen at one step is worthless at the next.

export interface FlowRules {
  /** Life of a flow (at most 10 minutes). */
  flowTtlMs: number;
  sessionTtlMs: number;
  sessionIdleMs: number;
  /** Wrong codes that end a flow. */
  maxWrongCodesPerFlow: number;
  passwordRules: PasswordRules;
  /**
   * Before a forced password change, a user with an email address proves it with a code
   * sent there (FORCED_CHANGE_EMAIL_CODE; only true where email can be sent). Issue 14:
   * after Force New Password, knowing the old password is not enough to choose the new.
   */
  proveEmailBeforeNewPassword: boolean;
}

export interface FlowDeps {
  stores: Pick<
    Stores,
    "users" | "flows" | "sessions" | "settings" | "atomically" | "recoveryCodes" | "devices"
  >;
  hasher: PasswordHasher;
  limits: Limits;
  clock: Clock;
  random: Random;
  audit: Audit;
  rules: FlowRules;
  factors: Factors;
  /** Device cookie keys, the current one first (core/device-cookie.ts). */
  deviceKeys: readonly Buffer[];
}

/** A flow that belongs to a user who may still sign in, with the enabled methods. */
export interface LoadedFlow extends FactorContext {
  flow: Flow & { userId: string };
  /**
   * The settings a step's pages and rules read, as of loading the flow: one read per
   * request (issue 13), not one per setting.
   */
  settings: Pick<SettingsStore, "get">;
}

export const HOME: Continuation = { kind: "home" };

/** Where a step leads. */
export type Next =
  /** On to another step of the flow, under a new cookie token. */
  | { ok: true; kind: "flow"; token: string; state: FlowState }
  /** Signed in: a new session; the browser goes to the continuation. */
  | StartedSession
  /** A step-up or enrolment finished inside the current session. */
  | { ok: true; kind: "done"; continuation: Continuation }
  /**
   * The flow ended and the person signs in again (the app was just set up), after seeing
   * their new recovery codes once when there are any (issue 11).
   */
  | { ok: true; kind: "ended"; continuation: Continuation; recoveryCodes?: string[] };

/** The flow behind a cookie token, in any state, while it is alive. */
export async function findFlow(
  deps: Pick<FlowDeps, "stores" | "clock">,
  token: string | undefined,
): Promise<Flow | undefined> {
  if (!token) return undefined;
  return deps.stores.flows.find(hashToken(token), deps.clock.now());
}

/** The flow behind a cookie token, if it is alive and its user may still sign in. */
export async function loadFlow(
  deps: Pick<FlowDeps, "stores" | "clock">,
  token: string | undefined,
): Promise<LoadedFlow | undefined> {
  const flow = await findFlow(deps, token);
  if (!flow?.userId) return undefined;
  const user = await deps.stores.users.findById(flow.userId);
  if (!user?.active) return undefined;
  const keys = [METHODS_KEY, DAYS_KEY];
  const read = await deps.stores.settings.getMany(keys);
  const settings = {
    get: async (key: string) => {
      // A key not read with the flow would read as unset (its default): refused instead.
      if (!keys.includes(key)) throw new Error(`setting ${key} is not read with the flow`);
      return read.get(key);
    },
  };
  return {
    flow: { ...flow, userId: flow.userId },
    user,
    methods: await getEnabledMethods(settings),
    settings,
  };
}

/**
 * Decides the step after `from` and moves there: forced change → app set-up → second
 * factor → signed in. `from` is the flow the browser holds: a flow waiting for its
 * password (state `password`) is bound to this user; a flow at a later step moves on.
 * Without one, a new sign-in flow begins; `continuation` is where it ends.
 */
export async function enterNextStep(
  deps: FlowDeps,
  user: User,
  from: Flow | undefined,
  client: Client,
  continuation: Continuation = from?.continuation ?? HOME,
  device?: RememberedBrowser,
): Promise<Next | Refusal> {
  const state = await nextState(deps, user, from?.state);
  if (state === "signed_in") {
    if (from && !(await deps.stores.flows.take(from.idHash, from.state))) return refuse("expired");
    return startSession(deps, user, client, { amr: ["pwd"], continuation });
  }
  if (state === "verify" && device && !secondFactorRequiredBy(continuation)) {
    const skipped = await skipSecondFactor(deps, user, from, client, continuation, device);
    if (skipped) return skipped;
  }
  if (state === "verify" || state === "setup_app") {
    // A locked second factor is said now, right after the password, not after the person
    // has typed a code that could not be checked (issue 12). The flow stays where it was.
    // (A remembered device skips the second factor before this, as it did.)
    const lock = await deps.limits.secondFactor.check(user.id);
    if (!lock.allowed) return lockedRefusal(lock);
  }
  const token = newToken(deps.random);
  if (from) {
    // A new cookie value at each step: a token seen at one step is worthless at the next.
    const moved = await deps.stores.flows.advance(
      from.idHash,
      from.state,
      state,
      hashToken(token),
      from.state === "password" ? user.id : undefined,
    );
    if (!moved) return refuse("expired");
  } else {
    await createFlow(deps, token, { userId: user.id, purpose: "signin", state, continuation });
  }
  return { ok: true, kind: "flow", token, state };
}

/** A browser's remembered-device cookie at the password step (issue 11). */
export interface RememberedBrowser {
  token: string | undefined;
  userAgent: string;
}

/**
 * A remembered device skips the second factor, never the password: the session's amr is
 * the password alone (docs/recovery.md), so a step-up, forward-auth and an application
 * requiring a second factor still ask for one. Undefined: the device is not remembered.
 */
async function skipSecondFactor(
  deps: FlowDeps,
  user: User,
  from: Flow | undefined,
  client: Client,
  continuation: Continuation,
  device: RememberedBrowser,
): Promise<Next | Refusal | undefined> {
  const renewed = await useRememberedDevice(deps, user.id, device.token, {
    ip: client.ip,
    userAgent: device.userAgent,
  });
  if (!renewed) return undefined;
  if (from && !(await deps.stores.flows.take(from.idHash, from.state))) return refuse("expired");
  const session = await startSession(deps, user, client, {
    amr: ["pwd"],
    continuation,
    detail: { rememberedDevice: true },
  });
  return { ...session, remembered: renewed };
}

async function nextState(
  deps: FlowDeps,
  user: User,
  from: FlowState | undefined,
): Promise<FlowState | "signed_in"> {
  if ((from === undefined || from === "password") && user.mustChangePassword) {
    return deps.rules.proveEmailBeforeNewPassword && user.email ? "prove_email" : "change_password";
  }
  if (from === "prove_email") return "change_password";
  const methods = await getEnabledMethods(deps.stores.settings);
  if (methods.length === 0) return "signed_in";
  if (methods.includes("app") && !(await deps.factors.app.confirmed(user.id))) return "setup_app";
  return "verify";
}

/**
 * A flow that waits for a password with somewhere to go afterwards: an application sent
 * the browser to sign in, or a flow ended and the person signs in again. Returns its token.
 */
export async function startPasswordFlow(
  deps: Pick<FlowDeps, "stores" | "clock" | "random" | "rules">,
  continuation: Continuation,
): Promise<string> {
  const token = newToken(deps.random);
  await createFlow(deps, token, {
    userId: null,
    purpose: "signin",
    state: "password",
    continuation,
  });
  return token;
}

/**
 * A step-up: the signed-in user proves a second factor again before a sensitive change.
 * The flow belongs to the session and ends back at `continuation`.
 */
export async function startStepUp(
  deps: Pick<FlowDeps, "stores" | "clock" | "random" | "rules">,
  signedIn: { sessionIdHash: string; userId: string },
  continuation: Continuation,
): Promise<string> {
  return startForSession(deps, signedIn, "step-up", continuation);
}

/**
 * An enrolment from the account page (replace the authenticator app): a flow in
 * `setup_app` that belongs to the session and ends back at `continuation`.
 */
export async function startEnrolment(
  deps: Pick<FlowDeps, "stores" | "clock" | "random" | "rules">,
  signedIn: { sessionIdHash: string; userId: string },
  continuation: Continuation,
): Promise<string> {
  return startForSession(deps, signedIn, "enrol", continuation);
}

/** A step-up (at `verify`) or an enrolment (at `setup_app`) of a signed-in session. */
async function startForSession(
  deps: Pick<FlowDeps, "stores" | "clock" | "random" | "rules">,
  signedIn: { sessionIdHash: string; userId: string },
  purpose: "step-up" | "enrol",
  continuation: Continuation,
): Promise<string> {
  if (continuation.kind === "path" && !isLocalPath(continuation.path)) {
    throw new Error(`a ${purpose} returns to a path of ours, not "${continuation.path}"`);
  }
  const token = newToken(deps.random);
  await createFlow(deps, token, {
    userId: signedIn.userId,
    purpose,
    state: purpose === "enrol" ? "setup_app" : "verify",
    continuation,
    sessionIdHash: signedIn.sessionIdHash,
  });
  return token;
}

async function createFlow(
  deps: Pick<FlowDeps, "stores" | "clock" | "rules">,
  token: string,
  flow: {
    userId: string | null;
    purpose: FlowPurpose;
    state: FlowState;
    continuation: Continuation;
    sessionIdHash?: string;
  },
): Promise<void> {
  const now = deps.clock.now();
  await deps.stores.flows.create({
    idHash: hashToken(token),
    sessionIdHash: null,
    ...flow,
    createdAt: now,
    expiresAt: now + deps.rules.flowTtlMs,
    failedCodes: 0,
  });
}

/**
 * A path on this site, safe to redirect to: one leading "/", not "//" or "/\\" (which
 * browsers read as another host), no control characters, no backslash anywhere.
 */
export function isLocalPath(path: string): boolean {
  return /^\/(?![/\\])/.test(path) && !/[\\\p{Cc}]/u.test(path);
}
