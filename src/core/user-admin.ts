import { randomUUID } from "node:crypto";
import type { PasswordHasher } from "./password.js";
import { judgeNewPassword, type PasswordRules } from "./password-policy.js";
import type { Weakness } from "./password-strength.js";
import { getEnabledMethods, isValidUsername, normalizeUsername } from "./policy.js";
import { ROLES, type Role } from "./ports/runtime.js";
import type { User } from "./ports/users.js";
import { type Actor, isAdministrator, mayActOn, type SupervisionDeps } from "./supervision.js";

// User management for administrators: add, edit, deactivate, reactivate. Input is
// checked field by field first; nothing is written unless every field is valid.

export interface UserAdminDeps extends SupervisionDeps {
  hasher: PasswordHasher;
  passwordRules: PasswordRules;
  /** E.164 normaliser (delivery/phone.ts), passed in so the core stays free of adapters. */
  normalizePhone: (input: string) => { ok: true; e164: string } | { ok: false };
}

export type FieldError =
  | "username_invalid"
  | "username_taken"
  | "display_name_invalid"
  | "email_invalid"
  | "phone_invalid"
  | "role_invalid"
  | "password_too_short"
  | "password_too_long"
  | "password_is_username"
  | "password_common"
  | "password_weak";

export type FormErrors = Partial<
  Record<"username" | "displayName" | "email" | "phone" | "role" | "password", FieldError>
>;

export type FormResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      reason: "invalid";
      errors: FormErrors;
      /** password_weak: what makes the password guessable. */
      weakness?: Weakness;
      /** password_too_short: the minimum that applied. */
      minLength?: number;
    }
  | { ok: false; reason: "not_found" | "forbidden" | "last_administrator" };

export interface ProfileInput {
  displayName: string;
  email: string;
  phone: string;
  role: string;
}

/** Roles the web may give. Administrators are made at the CLI (docs/supervision.md). */
export const ASSIGNABLE_ROLES: readonly Role[] = ["user", "supervisor"];

/** Roles an actor may give: the CLI any, an administrator on the web users and supervisors. */
function assignable(actor: Actor): readonly Role[] {
  return actor === "cli" ? ROLES : ASSIGNABLE_ROLES;
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const CONTROL = /\p{Cc}/u;

interface Profile {
  displayName: string | null;
  email: string | null;
  phone: string | null;
  role: Role;
}

function checkProfile(
  deps: UserAdminDeps,
  actor: Actor,
  input: ProfileInput,
  errors: FormErrors,
): Profile {
  const displayName = input.displayName.trim();
  if (displayName.length > 100 || CONTROL.test(displayName))
    errors.displayName = "display_name_invalid";
  const email = input.email.trim();
  if (email !== "" && (email.length > 254 || !EMAIL.test(email))) errors.email = "email_invalid";
  let phone: string | null = null;
  if (input.phone.trim() !== "") {
    const parsed = deps.normalizePhone(input.phone);
    if (parsed.ok) phone = parsed.e164;
    else errors.phone = "phone_invalid";
  }
  const role = input.role as Role;
  if (!assignable(actor).includes(role)) errors.role = "role_invalid";
  return { displayName: displayName || null, email: email || null, phone, role };
}

/**
 * Adds an account. From the web its password is temporary and must be changed at the
 * first sign-in; the CLI chooses (`--must-change-password`). The one validation of a new
 * account, for the web and the CLI alike.
 */
export async function addUser(
  deps: UserAdminDeps,
  actor: Actor,
  input: ProfileInput & { username: string; password: string; mustChangePassword?: boolean },
  ip: string | null,
): Promise<FormResult<User>> {
  if (actor !== "cli" && !isAdministrator(actor)) return { ok: false, reason: "forbidden" };
  const errors: FormErrors = {};
  const username = normalizeUsername(input.username);
  if (!isValidUsername(username)) errors.username = "username_invalid";
  const profile = checkProfile(deps, actor, input, errors);
  // The policy of every new password (issue 14): length (15 without a second factor),
  // not the username, zxcvbn with the person's and the installation's words.
  const verdict = await judgeNewPassword(deps.hasher, deps.passwordRules, {
    password: input.password,
    username,
    displayName: profile.displayName,
    email: profile.email,
    secondFactorEnabled: (await getEnabledMethods(deps.stores.settings)).length > 0,
  });
  if (!verdict.ok) errors.password = verdict.reason as FieldError;
  if (!errors.username && (await deps.stores.users.findByUsername(username))) {
    errors.username = "username_taken";
  }
  if (Object.keys(errors).length > 0) {
    return {
      ok: false,
      reason: "invalid",
      errors,
      ...(!verdict.ok && verdict.weakness ? { weakness: verdict.weakness } : {}),
      ...(!verdict.ok && verdict.minLength ? { minLength: verdict.minLength } : {}),
    };
  }

  const passwordHash = await deps.hasher.hash(input.password);
  // The account and its audit event commit together.
  const user = await deps.stores.atomically(async (tx) => {
    const created = await tx.users.create(
      {
        username,
        ...profile,
        passwordHash,
        mustChangePassword: actor === "cli" ? (input.mustChangePassword ?? true) : true,
      },
      randomUUID(),
      deps.clock.now(),
    );
    if (!created) return undefined;
    await deps.audit(
      {
        type: "user_added",
        userId: created.id,
        actorId: actor === "cli" ? null : actor.id,
        username,
        ip,
        detail: { role: created.role, via: actor === "cli" ? "cli" : "web" },
      },
      tx,
    );
    return created;
  });
  // Lost a race for the same username.
  if (!user) return { ok: false, reason: "invalid", errors: { username: "username_taken" } };
  return { ok: true, value: user };
}

/**
 * Changes display name, email, phone and role. The audit records which fields changed,
 * with the old and new address or number (the user is told at both, delivery/wire.ts), in
 * the transaction of the change.
 */
export async function editUser(
  deps: UserAdminDeps,
  actor: Actor,
  targetId: string,
  input: ProfileInput,
  ip: string | null,
): Promise<FormResult<User>> {
  if (actor !== "cli" && !isAdministrator(actor)) return { ok: false, reason: "forbidden" };
  const target = await deps.stores.users.findById(targetId);
  if (!target) return { ok: false, reason: "not_found" };
  if (!mayActOn(actor, target)) return { ok: false, reason: "forbidden" };
  const errors: FormErrors = {};
  const profile = checkProfile(deps, actor, input, errors);
  if (Object.keys(errors).length > 0) return { ok: false, reason: "invalid", errors };

  const changed = (Object.keys(profile) as (keyof Profile)[]).filter(
    (k) => profile[k] !== target[k],
  );
  if (changed.length > 0) {
    const fromTo = (k: "role" | "email" | "phone") =>
      changed.includes(k) ? { [k]: { from: target[k], to: profile[k] } } : {};
    // The last active administrator is never demoted (one conditional statement, store/users.ts).
    const done = await deps.stores.atomically(async (tx) => {
      if (!(await tx.users.update(target.id, profile))) return false;
      await deps.audit(
        {
          type: "user_changed",
          userId: target.id,
          actorId: actor === "cli" ? null : actor.id,
          username: target.username,
          ip,
          detail: { changed, ...fromTo("role"), ...fromTo("email"), ...fromTo("phone") },
        },
        tx,
      );
      return true;
    });
    if (!done) return { ok: false, reason: "last_administrator" };
  }
  return { ok: true, value: { ...target, ...profile } };
}

/** Deactivating ends the user's sessions and pending sign-ins; they cannot sign in. */
export async function setUserActive(
  deps: SupervisionDeps,
  actor: Actor,
  targetId: string,
  active: boolean,
  ip: string | null,
): Promise<
  { ok: true; user: User } | { ok: false; reason: "not_found" | "forbidden" | "last_administrator" }
> {
  if (actor !== "cli" && !isAdministrator(actor)) return { ok: false, reason: "forbidden" };
  const target = await deps.stores.users.findById(targetId);
  if (!target) return { ok: false, reason: "not_found" };
  if (!mayActOn(actor, target)) return { ok: false, reason: "forbidden" };
  // The last active administrator is never deactivated (one conditional statement).
  const done = await deps.stores.atomically(async (tx) => {
    if (!(await tx.users.setActive(target.id, active))) return false;
    await deps.audit(
      {
        type: "user_changed",
        userId: target.id,
        actorId: actor === "cli" ? null : actor.id,
        username: target.username,
        ip,
        detail: { active },
      },
      tx,
    );
    return true;
  });
  if (!done) return { ok: false, reason: "last_administrator" };
  if (!active) await deps.onAccountEnded?.(target.id);
  return { ok: true, user: { ...target, active } };
}
