import type { Audit } from "./audit.js";
import { getEnabledMethods, setEnabledMethods } from "./policy.js";
import type { Limits } from "./ports/limits.js";
import type { Clock, Method, Role } from "./ports/runtime.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";

// Who may act on whom (DESIGN §1). Every route and CLI command asks these functions,
// with the actor loaded from the store on that request, never from a cookie or form.

export interface SupervisionDeps {
  stores: Pick<Stores, "users" | "settings" | "atomically">;
  limits: Pick<Limits, "secondFactor">;
  clock: Clock;
  /** With notifications (delivery/wire.ts): Force New Password queues the user's notice. */
  audit: Audit;
  /**
   * True when notices by email reach people (a mail server, not the development outbox,
   * whose messages reach nobody): only then does the page say the user was emailed.
   */
  emailReachesUsers?: boolean;
  /**
   * Why these methods cannot be enabled here (e.g. SMS without a provider in
   * production), or undefined when they can. Optional: without it every list is accepted.
   */
  methodsProblem?: (methods: readonly Method[]) => string | undefined;
  /**
   * Force New Password or deactivation ended a user's sign-ins: what else holds one ends
   * too (the OpenID Connect provider's sessions, grants and tokens). Passed in by
   * system.ts so the core knows nothing of the provider.
   */
  onAccountEnded?: (userId: string) => Promise<void>;
}

/** The person acting: a signed-in account, or the operator at the server's CLI. */
export type Actor = User | "cli";

export type SupervisionRefusal = { ok: false; reason: "not_found" | "forbidden" };

const RANK: Record<Role, number> = { user: 0, supervisor: 1, administrator: 2 };

export function isSupervisor(user: User): boolean {
  return user.active && RANK[user.role] >= RANK.supervisor;
}

export function isAdministrator(user: User): boolean {
  return user.active && user.role === "administrator";
}

/**
 * Supervisors act on users; administrators on users and supervisors; nobody on
 * themselves (a supervisor who lost their phone asks someone else). Administrator
 * accounts are looked after at the CLI, by whoever runs the server.
 */
export function mayActOn(actor: Actor, target: User): boolean {
  if (actor === "cli") return true;
  if (!actor.active || actor.id === target.id) return false;
  if (actor.role === "administrator") return target.role !== "administrator";
  if (actor.role === "supervisor") return target.role === "user";
  return false;
}

/**
 * Force New Password (the article's "lost access to your authenticator app"). One
 * transaction clears the authenticator (its record kept in the history), sets
 * must-change-password, ends sessions and flows, writes the audit event and queues the
 * user's notice: a crash leaves all of it or none. After it commits, the second-factor
 * lock is cleared and the notice is sent (retried until it goes).
 */
export async function forceNewPassword(
  deps: SupervisionDeps,
  actor: Actor,
  targetId: string,
  ip: string | null,
): Promise<{ ok: true; user: User; notified: boolean } | SupervisionRefusal> {
  const target = await deps.stores.users.findById(targetId);
  if (!target) return { ok: false, reason: "not_found" };
  if (!mayActOn(actor, target)) return { ok: false, reason: "forbidden" };
  const actorId = actor === "cli" ? null : actor.id;
  await deps.stores.atomically(async (tx) => {
    await tx.users.forceNewPassword(target.id, { at: deps.clock.now(), byId: actorId });
    await deps.audit(
      {
        type: "force_new_password",
        userId: target.id,
        actorId,
        username: target.username,
        ip,
        detail: { via: actor === "cli" ? "cli" : "web" },
      },
      tx,
    );
  });
  // After the commit: the provider's sign-ins for this user end, and the lock is lifted.
  await deps.onAccountEnded?.(target.id);
  await deps.limits.secondFactor.reset(target.id);
  return { ok: true, user: target, notified: deps.emailReachesUsers === true && !!target.email };
}

/** Is the account's second factor throttled after wrong codes (DESIGN §3)? */
export async function isSecondFactorLocked(deps: Pick<SupervisionDeps, "limits">, userId: string) {
  return !(await deps.limits.secondFactor.check(userId)).allowed;
}

/** A second factor's lock as a supervisor sees it: until when, or until someone unlocks it. */
export type LockView = { locked: false } | { locked: true; until: number | "unlock" };

export async function secondFactorLockView(
  deps: Pick<SupervisionDeps, "limits" | "clock">,
  userId: string,
): Promise<LockView> {
  const state = await deps.limits.secondFactor.check(userId);
  if (state.allowed) return { locked: false };
  return {
    locked: true,
    until: state.lock === "permanent" ? "unlock" : deps.clock.now() + state.retryAfterMs,
  };
}

/**
 * A supervisor's unlock: the account's count of wrong codes starts again (as after a
 * correct code), lifting a block or the lock at the cap. Audited first: the counters live
 * outside the database (Redis), so the two cannot share a transaction, and an unlock must
 * never happen without its event (a failed reset after it is visible: still locked).
 */
export async function unlockSecondFactor(
  deps: SupervisionDeps,
  actor: Actor,
  targetId: string,
  ip: string | null,
): Promise<{ ok: true; user: User; wasLocked: boolean } | SupervisionRefusal> {
  const target = await deps.stores.users.findById(targetId);
  if (!target) return { ok: false, reason: "not_found" };
  if (!mayActOn(actor, target)) return { ok: false, reason: "forbidden" };
  const state = await deps.limits.secondFactor.check(target.id);
  if (state.allowed) return { ok: true, user: target, wasLocked: false };
  await deps.audit({
    type: "second_factor_unlocked",
    userId: target.id,
    actorId: actor === "cli" ? null : actor.id,
    username: target.username,
    ip,
    detail: { lock: state.lock, via: actor === "cli" ? "cli" : "web" },
  });
  await deps.limits.secondFactor.reset(target.id);
  return { ok: true, user: target, wasLocked: true };
}

/** Administrator settings: which second-factor methods are enabled. Audited. */
export async function changeMethods(
  deps: SupervisionDeps,
  actor: Actor,
  methods: readonly Method[],
  ip: string | null,
): Promise<
  | { ok: true; from: Method[]; to: Method[] }
  | SupervisionRefusal
  | { ok: false; reason: "unavailable"; problem: string }
> {
  if (actor !== "cli" && !isAdministrator(actor)) return { ok: false, reason: "forbidden" };
  const problem = deps.methodsProblem?.(methods);
  if (problem) return { ok: false, reason: "unavailable", problem };
  // The setting and its audit event commit together.
  return deps.stores.atomically(async (tx) => {
    const from = await getEnabledMethods(tx.settings);
    await setEnabledMethods(tx.settings, methods);
    const to = await getEnabledMethods(tx.settings);
    await deps.audit(
      {
        type: "settings_changed",
        actorId: actor === "cli" ? null : actor.id,
        ip,
        detail: { methods: { from, to }, via: actor === "cli" ? "cli" : "web" },
      },
      tx,
    );
    return { ok: true, from, to } as const;
  });
}
