import { judgeNewPassword } from "./password-policy.js";
import type { Weakness } from "./password-strength.js";
import { getEnabledMethods } from "./policy.js";
import type { Random } from "./ports/runtime.js";
import type { User } from "./ports/users.js";
import { forgetDevices } from "./remembered-devices.js";
import { type Actor, isSupervisor, mayActOn, type SupervisionRefusal } from "./supervision.js";
import type { FieldError, UserAdminDeps } from "./user-admin.js";

// A temporary password for a user who forgot theirs (issue 11): set by a supervisor (for
// users) or an administrator (users and supervisors), never on oneself; by the operator at
// the CLI for anyone. Decisions: docs/supervision.md.

/** A temporary password stops working this long after it was set (then ask again). */
export const TEMPORARY_PASSWORD_TTL_MS = 72 * 3600_000;

/** No look-alikes (0/o, 1/l/i): read out over the phone or copied by hand. */
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** Four groups of five (31^20 ≈ 2^99): "kx7mq-…", typed once, then changed. */
export function generateTemporaryPassword(random: Random): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = "";
    for (let i = 0; i < 5; i++) group += ALPHABET[random.int(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

export type TemporaryPasswordResult =
  | { ok: true; user: User; expiresAt: number | null }
  | SupervisionRefusal
  | {
      ok: false;
      reason: "invalid";
      error: FieldError;
      weakness?: Weakness;
      minLength?: number;
    };

/**
 * Sets the password, in one transaction with the end of the user's sessions and pending
 * sign-ins, the audit event and the user's email. From the web it must be changed at the
 * next sign-in and works for 72 hours; the CLI chooses (`temporary`). The password passes
 * the policy of every new password (a generated one does by construction).
 */
export async function setTemporaryPassword(
  deps: UserAdminDeps,
  actor: Actor,
  targetId: string,
  input: { password: string; generated: boolean; temporary?: boolean },
  ip: string | null,
): Promise<TemporaryPasswordResult> {
  if (actor !== "cli" && !isSupervisor(actor)) return { ok: false, reason: "forbidden" };
  const target = await deps.stores.users.findById(targetId);
  if (!target) return { ok: false, reason: "not_found" };
  if (!mayActOn(actor, target)) return { ok: false, reason: "forbidden" };
  const verdict = await judgeNewPassword(deps.hasher, deps.passwordRules, {
    password: input.password,
    username: target.username,
    displayName: target.displayName,
    email: target.email,
    secondFactorEnabled: (await getEnabledMethods(deps.stores.settings)).length > 0,
  });
  if (!verdict.ok) {
    return {
      ok: false,
      reason: "invalid",
      error: verdict.reason as FieldError,
      ...(verdict.weakness ? { weakness: verdict.weakness } : {}),
      ...(verdict.minLength ? { minLength: verdict.minLength } : {}),
    };
  }
  const temporary = actor === "cli" ? input.temporary === true : true;
  const expiresAt = temporary ? deps.clock.now() + TEMPORARY_PASSWORD_TTL_MS : null;
  const passwordHash = await deps.hasher.hash(input.password);
  const via = actor === "cli" ? "cli" : "web";
  await deps.stores.atomically(async (tx) => {
    await tx.users.setTemporaryPassword(target.id, passwordHash, {
      mustChangePassword: temporary,
      expiresAt,
    });
    // Issue 11: a password set by someone else forgets the remembered devices too.
    await forgetDevices(target.id, tx);
    await deps.audit(
      {
        type: "temporary_password_set",
        userId: target.id,
        actorId: actor === "cli" ? null : actor.id,
        username: target.username,
        ip,
        detail: {
          via,
          generated: input.generated,
          mustChange: temporary,
          ...(temporary ? { validHours: TEMPORARY_PASSWORD_TTL_MS / 3600_000 } : {}),
        },
      },
      tx,
    );
  });
  // After the commit: the provider's sign-ins for this user end too.
  await deps.onAccountEnded?.(target.id);
  return { ok: true, user: target, expiresAt };
}
