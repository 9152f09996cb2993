import type { Audit } from "./audit.js";
import { getEnabledMethods, setEnabledMethods } from "./policy.js";
import type { Limits } from "./ports/limits.js";
import type { Clock, Method, Role } from "./ports/runtime.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";

// Who may act on whom (DESIGN §1). Every route and CLI command asks these functions,
// with the actor loaded from the store on that request, never from a cookie or form.

export interface SupervisionDeps {
  stores: Pick<Stores, "users" | "settings">;
  limits: Limits;
  clock: Clock;
  audit: Audit;
  /**
   * Tells a user that their password was reset (by email where a mailer is set up).
   * Optional: without it, Force New Password still happens, the user is not told.
   * Resolves false when the notice only went to the development outbox (no SMTP): the
   * user was not emailed, and the page must not say so.
   */
  notifyForcedPassword?: (user: User) => Promise<boolean | undefined>;
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
 * Force New Password (the article's "lost access to your authenticator app"). The
 * store clears the authenticator and its used step, sets must-change-password and
 * ends sessions and flows in one transaction; after it commits, the second-factor lock
 * is cleared, the event audited and the user told.
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
  await deps.stores.users.forceNewPassword(target.id);
  await deps.onAccountEnded?.(target.id);
  await deps.limits.secondFactor.reset(target.id);
  await deps.audit({
    type: "force_new_password",
    userId: target.id,
    actorId: actor === "cli" ? null : actor.id,
    username: target.username,
    ip,
    detail: { via: actor === "cli" ? "cli" : "web" },
  });
  let notified = false;
  if (deps.notifyForcedPassword && target.email) {
    try {
      notified = (await deps.notifyForcedPassword(target)) !== false;
    } catch {
      // The reset stands; a mail server being down must not undo it or hide it.
      await deps.audit({
        type: "notice_send_failed",
        userId: target.id,
        username: target.username,
        detail: { notice: "force_new_password" },
      });
    }
  }
  return { ok: true, user: target, notified };
}

/** Is the account's second factor throttled after wrong codes (DESIGN §3)? */
export async function isSecondFactorLocked(deps: Pick<SupervisionDeps, "limits">, userId: string) {
  return !(await deps.limits.secondFactor.check(userId)).allowed;
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
  const from = await getEnabledMethods(deps.stores.settings);
  await setEnabledMethods(deps.stores.settings, methods);
  const to = await getEnabledMethods(deps.stores.settings);
  await deps.audit({
    type: "settings_changed",
    actorId: actor === "cli" ? null : actor.id,
    ip,
    detail: { methods: { from, to }, via: actor === "cli" ? "cli" : "web" },
  });
  return { ok: true, from, to };
}
