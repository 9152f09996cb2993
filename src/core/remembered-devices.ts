import type { Audit } from "./audit.js";
import type { RememberedDevice } from "./ports/devices.js";
import type { Continuation } from "./ports/flows.js";
import type { Clock, Random } from "./ports/runtime.js";
import type { SettingsStore } from "./ports/settings.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";
import { hashToken, newToken } from "./secrets.js";
import { type Actor, isAdministrator, mayActOn } from "./supervision.js";

// "Remember this device" (issue 11, docs/recovery.md). A browser that proved a second
// factor with the box ticked gets a random token in a cookie of its own; the server keeps
// its SHA-256 with when it was made and last used and the browser and address, for
// display. At the next sign-in the password is still asked; with a valid token the second
// factor is skipped, the token rotated (a copied cookie works once), and the device's
// expiry, set once when it was remembered, never moves. A remembered device never answers
// a step-up, nor a sign-in for an application that requires a second factor.

export const DAYS_KEY = "remember_device_days";
export const DEFAULT_REMEMBER_DAYS = 30;
export const MAX_REMEMBER_DAYS = 365;
const DAY_MS = 86_400_000;

export interface DeviceDeps {
  stores: Pick<Stores, "devices" | "settings" | "atomically">;
  clock: Clock;
  random: Random;
  audit: Audit;
}

/** What the browser keeps: the cookie's token and when the device is forgotten. */
export interface RememberedCookie {
  token: string;
  expiresAt: number;
}

/** Where the browser was seen, for the list of devices. */
export interface SeenFrom {
  ip: string;
  userAgent: string;
}

/** Days a device is remembered; 0: administrators turned it off (settings page). */
export async function getRememberDays(settings: Pick<SettingsStore, "get">): Promise<number> {
  const value = await settings.get(DAYS_KEY);
  if (value === undefined) return DEFAULT_REMEMBER_DAYS;
  const days = Number(value);
  return Number.isInteger(days) && days >= 0 && days <= MAX_REMEMBER_DAYS
    ? days
    : DEFAULT_REMEMBER_DAYS;
}

/** "30" → 30; anything but a whole number of days from 0 to 365 → undefined. */
export function parseRememberDays(text: string): number | undefined {
  if (!/^\d{1,3}$/.test(text.trim())) return undefined;
  const days = Number(text.trim());
  return days <= MAX_REMEMBER_DAYS ? days : undefined;
}

/** An administrator changes the days (0 turns it off); audited with the setting. */
export async function changeRememberDays(
  deps: Pick<DeviceDeps, "stores" | "audit">,
  actor: Actor,
  days: number,
  ip: string | null,
): Promise<{ ok: true; from: number; to: number } | { ok: false; reason: "forbidden" }> {
  if (actor !== "cli" && !isAdministrator(actor)) return { ok: false, reason: "forbidden" };
  return deps.stores.atomically(async (tx) => {
    const from = await getRememberDays(tx.settings);
    await tx.settings.set(DAYS_KEY, String(days));
    await deps.audit(
      {
        type: "settings_changed",
        actorId: actor === "cli" ? null : actor.id,
        ip,
        detail: { rememberDays: { from, to: days }, via: actor === "cli" ? "cli" : "web" },
      },
      tx,
    );
    return { ok: true, from, to: days } as const;
  });
}

/**
 * Does the sign-in's destination require a second factor in this very sign-in?
 * Forward-auth always does (core/forward-auth.ts); an application whose client or request
 * asks for one does (the `mfa` its continuation carries). There a remembered device does
 * not skip the code: the session must be able to say honestly that one was proved.
 */
export function secondFactorRequiredBy(continuation: Continuation): boolean {
  return continuation.kind === "forward" || (continuation.kind === "oidc" && !!continuation.mfa);
}

/** Remembers this browser for the user (the box ticked on the verification screen). */
export async function rememberDevice(
  deps: DeviceDeps,
  user: Pick<User, "id" | "username">,
  seen: SeenFrom,
): Promise<RememberedCookie | undefined> {
  const days = await getRememberDays(deps.stores.settings);
  if (days === 0) return undefined;
  const now = deps.clock.now();
  const token = newToken(deps.random);
  const expiresAt = now + days * DAY_MS;
  const id = hashToken(newToken(deps.random)).slice(0, 24);
  await deps.stores.atomically(async (tx) => {
    await tx.devices.create({
      id,
      userId: user.id,
      tokenHash: hashToken(token),
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
      userAgent: seen.userAgent,
      ip: seen.ip,
    });
    await deps.audit(
      {
        type: "device_remembered",
        userId: user.id,
        actorId: user.id,
        username: user.username,
        ip: seen.ip,
        detail: { days },
      },
      tx,
    );
  });
  return { token, expiresAt };
}

/**
 * The browser's remembered-device token, if it is the user's and still valid: a new token
 * in its place (rotated by one compare-and-swap), with the same expiry. Undefined when it
 * is not (forgotten, expired, another user's, used by a copy already, turned off or made
 * longer ago than the days now allowed).
 */
export async function useRememberedDevice(
  deps: DeviceDeps,
  userId: string,
  token: string | undefined,
  seen: SeenFrom,
): Promise<RememberedCookie | undefined> {
  if (!token || token.length > 128) return undefined;
  const now = deps.clock.now();
  const days = await getRememberDays(deps.stores.settings);
  if (days === 0) return undefined;
  const device = await deps.stores.devices.findByToken(hashToken(token), now);
  if (!device || device.userId !== userId) return undefined;
  // Fewer days than when it was remembered: the shorter life applies at once.
  if (device.createdAt + days * DAY_MS <= now) return undefined;
  const next = newToken(deps.random);
  if (!(await deps.stores.devices.rotate(hashToken(token), hashToken(next), { now, ...seen }))) {
    return undefined;
  }
  return { token: next, expiresAt: device.expiresAt };
}

/**
 * Forgets every remembered device of the user, in the caller's transaction: a password
 * change calls it (Force New Password and deactivation do it in their store statements).
 */
export async function forgetDevices(userId: string, tx: Pick<Stores, "devices">): Promise<number> {
  return tx.devices.forgetAll(userId);
}

/** The user's devices, for their account page and a supervisor's user page. */
export async function listDevices(
  deps: Pick<DeviceDeps, "stores" | "clock">,
  userId: string,
): Promise<RememberedDevice[]> {
  return deps.stores.devices.listForUser(userId, deps.clock.now());
}

/**
 * Forgets one device: the user themself (account page) or someone who may act on them
 * (a supervisor's user page). Audited in the same transaction.
 */
export async function forgetDevice(
  deps: Pick<DeviceDeps, "stores" | "audit">,
  actor: User | "cli",
  target: Pick<User, "id" | "username" | "role" | "active">,
  deviceId: string,
  ip: string | null,
): Promise<boolean> {
  const self = actor !== "cli" && actor.id === target.id;
  if (!self && !mayActOn(actor, target as User)) return false;
  return deps.stores.atomically(async (tx) => {
    if (!(await tx.devices.forget(target.id, deviceId))) return false;
    await deps.audit(
      {
        type: "device_forgotten",
        userId: target.id,
        actorId: actor === "cli" ? null : actor.id,
        username: target.username,
        ip,
        ...(actor === "cli" ? { detail: { via: "cli" } } : {}),
      },
      tx,
    );
    return true;
  });
}
