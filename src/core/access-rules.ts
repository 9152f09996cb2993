import type { Audit } from "./audit.js";
import { normalizeHost } from "./forward-auth.js";
import type { AccessRule } from "./ports/access.js";
import { type Clock, ROLES, type Role } from "./ports/runtime.js";
import type { Stores } from "./ports/stores.js";
import { type Actor, isAdministrator } from "./supervision.js";

// Forward-auth rules: which roles may pass to a host. Without a rule any signed-in user
// with a second factor passes; with one, only the roles it lists (a list, not a rank:
// `supervisor` does not imply `administrator`). Administrators and the CLI set them.

export interface AccessRuleDeps {
  stores: Pick<Stores, "access">;
  clock: Clock;
  audit: Audit;
}

export type AccessRefusal = { ok: false; reason: "invalid_host" | "invalid_roles" | "forbidden" };

/** "supervisor,administrator" → roles, each once; undefined when empty or unknown. */
export function parseRoles(input: string): Role[] | undefined {
  const names = input
    .split(",")
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0 || !names.every((n) => (ROLES as readonly string[]).includes(n))) {
    return undefined;
  }
  return ROLES.filter((r) => names.includes(r));
}

const mayManage = (actor: Actor): boolean => actor === "cli" || isAdministrator(actor);

export async function setAccessRule(
  deps: AccessRuleDeps,
  actor: Actor,
  input: { host: string; roles: string },
  ip: string | null,
): Promise<{ ok: true; rule: AccessRule } | AccessRefusal> {
  if (!mayManage(actor)) return { ok: false, reason: "forbidden" };
  const host = normalizeHost(input.host);
  if (!host) return { ok: false, reason: "invalid_host" };
  const roles = parseRoles(input.roles);
  if (!roles) return { ok: false, reason: "invalid_roles" };
  const rule: AccessRule = { host, roles, updatedAt: deps.clock.now() };
  const before = await deps.stores.access.set(rule);
  await deps.audit({
    type: "access_rule_changed",
    actorId: actor === "cli" ? null : actor.id,
    ip,
    detail: { host, roles: { from: before?.roles ?? null, to: roles }, via: viaOf(actor) },
  });
  return { ok: true, rule };
}

export async function removeAccessRule(
  deps: AccessRuleDeps,
  actor: Actor,
  hostInput: string,
  ip: string | null,
): Promise<{ ok: true } | { ok: false; reason: "invalid_host" | "not_found" | "forbidden" }> {
  if (!mayManage(actor)) return { ok: false, reason: "forbidden" };
  const host = normalizeHost(hostInput);
  if (!host) return { ok: false, reason: "invalid_host" };
  const before = await deps.stores.access.find(host);
  if (!before || !(await deps.stores.access.remove(host)))
    return { ok: false, reason: "not_found" };
  await deps.audit({
    type: "access_rule_changed",
    actorId: actor === "cli" ? null : actor.id,
    ip,
    detail: { host, roles: { from: before.roles, to: null }, via: viaOf(actor) },
  });
  return { ok: true };
}

function viaOf(actor: Actor): "cli" | "web" {
  return actor === "cli" ? "cli" : "web";
}
