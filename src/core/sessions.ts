import type { Audit } from "./audit.js";
import { issueDeviceCookie } from "./device-cookie.js";
import type { Continuation } from "./ports/flows.js";
import type { Clock, Random } from "./ports/runtime.js";
import type { Amr, Session } from "./ports/sessions.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";
import { hashToken, newToken } from "./secrets.js";

export interface SessionDeps {
  stores: Pick<Stores, "users" | "sessions" | "flows">;
  clock: Clock;
  random: Random;
  audit: Audit;
  rules: SessionRules;
  /**
   * Keys of the device cookie (deriveKey(SECRET_KEY, "device-cookie")), the current one
   * first: a browser that signs in gets one (core/device-cookie.ts).
   */
  deviceKeys: readonly Buffer[];
  /**
   * A user's sign-in ended here (Sign out): what else holds a sign-in for them ends too
   * (the OpenID Connect provider's sessions and refresh tokens). Passed in by system.ts so
   * the core knows nothing of the provider.
   */
  onAccountEnded?: (userId: string) => Promise<void>;
}

export interface SessionRules {
  /** Absolute lifetime (SESSION_TTL_SECONDS): re-authenticate at least this often. */
  sessionTtlMs: number;
  /** Idle timeout (SESSION_IDLE_SECONDS): a session unused this long ends, sliding. */
  sessionIdleMs: number;
}

/**
 * A session's last use is written at most this often: a request within a minute of the
 * last write reads only. So the idle timeout is kept to within a minute (on the short
 * side: a session may end up to a minute before SESSION_IDLE_SECONDS after its last use).
 */
export const LAST_SEEN_EVERY_MS = 60_000;

/** A new session: its cookie token (never stored) and the row. */
export interface StartedSession {
  ok: true;
  kind: "session";
  token: string;
  continuation: Continuation;
  /**
   * A fresh device cookie for this browser (OWASP "device cookies"): its password
   * attempts for this user are counted apart from everyone else's from now on.
   */
  deviceCookie: string;
  /** Issue 11: this browser's remembered-device token, new or rotated (its own cookie). */
  remembered?: { token: string; expiresAt: number };
}

/** The browser a session begins in (issue 11's account page lists where each began). */
export interface Client {
  ip: string;
  /** Its User-Agent header as sent (cut to 256 characters when stored); null: none. */
  userAgent?: string | null;
}

/**
 * Signed in: a fresh session id, never the flow's, remembering when and how (`amr`) the
 * user proved who they are. `method` names the second factor for the audit event.
 */
export async function startSession(
  deps: SessionDeps,
  user: User,
  client: Client,
  proof: {
    amr: Amr[];
    method?: string;
    continuation: Continuation;
    /** More for the signin_ok event (a remembered device). */
    detail?: Record<string, unknown>;
  },
): Promise<StartedSession> {
  const token = newToken(deps.random);
  const now = deps.clock.now();
  await deps.stores.sessions.create({
    idHash: hashToken(token),
    userId: user.id,
    createdAt: now,
    expiresAt: now + deps.rules.sessionTtlMs,
    authTime: now,
    amr: proof.amr,
    lastSeenAt: now,
    // Where it began, in the same insert (issue 13: it was an update right after).
    ip: client.ip,
    userAgent: client.userAgent ?? null,
  });
  await deps.stores.users.recordSignIn(user.id, now);
  await deps.audit({
    type: "signin_ok",
    userId: user.id,
    username: user.username,
    ip: client.ip,
    detail: { ...(proof.method ? { method: proof.method } : {}), ...proof.detail },
  });
  const deviceKey = deps.deviceKeys[0];
  if (!deviceKey) throw new Error("startSession: no device cookie key");
  return {
    ok: true,
    kind: "session",
    token,
    continuation: proof.continuation,
    deviceCookie: issueDeviceCookie(deviceKey, user.username, now, deps.random),
  };
}

export interface SignedIn {
  session: Session;
  user: User;
}

/**
 * The session behind a cookie token and its user, while both are alive and active. NIST
 * SP 800-63B §2.2.3 (AAL2): a session ends after 30 minutes without use and after 12 hours
 * in any case. Enforced here, on the server: an idle session is deleted at its next use;
 * a used one slides (its last use is recorded, at most once a minute).
 */
export async function currentSession(
  deps: Pick<SessionDeps, "stores" | "clock" | "rules">,
  sessionToken: string | undefined,
): Promise<SignedIn | undefined> {
  if (!sessionToken) return undefined;
  const session = await deps.stores.sessions.find(hashToken(sessionToken), deps.clock.now());
  return session && inUse(deps, session);
}

/**
 * A session found by one of its cookies (the session's, forward-auth's) as it is used
 * now: gone when idle (deleted), its last use recorded when that is a minute old, with its
 * user while active. The one place the idle timeout is applied.
 */
export async function inUse(
  deps: {
    stores: Pick<Stores, "users" | "sessions">;
    clock: Clock;
    rules: Pick<SessionRules, "sessionIdleMs">;
  },
  session: Session,
): Promise<SignedIn | undefined> {
  const now = deps.clock.now();
  if (now - session.lastSeenAt >= deps.rules.sessionIdleMs) {
    await deps.stores.sessions.delete(session.idHash);
    return undefined;
  }
  const user = await deps.stores.users.findById(session.userId);
  if (!user?.active) return undefined;
  if (now - session.lastSeenAt >= LAST_SEEN_EVERY_MS) {
    await deps.stores.sessions.touch(session.idHash, now);
    return { session: { ...session, lastSeenAt: now }, user };
  }
  return { session, user };
}

/** Sessions older than this last use are idle: the cut-off for listings and the sweeper. */
export function idleCutoff(rules: Pick<SessionRules, "sessionIdleMs">, now: number): number {
  return now - rules.sessionIdleMs;
}

export async function currentUser(
  deps: Pick<SessionDeps, "stores" | "clock" | "rules">,
  sessionToken: string | undefined,
): Promise<User | undefined> {
  return (await currentSession(deps, sessionToken))?.user;
}

/**
 * Sign out: the session and the flow behind this browser's cookies end on the server, so
 * a copied cookie (or a set-up key a flow holds) is worth nothing; so do the user's
 * sign-ins at applications (`onAccountEnded`).
 */
export async function signOut(
  deps: Pick<SessionDeps, "stores" | "audit" | "onAccountEnded">,
  tokens: { session?: string | undefined; flow?: string | undefined },
  user: User | undefined,
  ip: string,
): Promise<void> {
  if (tokens.session) await deps.stores.sessions.delete(hashToken(tokens.session));
  if (tokens.flow) await deps.stores.flows.delete(hashToken(tokens.flow));
  if (!user) return;
  // One sign-out: every application's session through the provider ends with this one.
  await deps.onAccountEnded?.(user.id);
  await deps.audit({ type: "signout", userId: user.id, username: user.username, ip });
}
