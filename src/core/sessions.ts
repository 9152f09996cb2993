import type { Audit } from "./audit.js";
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
  rules: { sessionTtlMs: number };
  /**
   * A user's sign-in ended here (Sign out): what else holds a sign-in for them ends too
   * (the OpenID Connect provider's sessions and refresh tokens). Passed in by system.ts so
   * the core knows nothing of the provider.
   */
  onAccountEnded?: (userId: string) => Promise<void>;
}

/** A new session: its cookie token (never stored) and the row. */
export interface StartedSession {
  ok: true;
  kind: "session";
  token: string;
  continuation: Continuation;
}

/**
 * Signed in: a fresh session id, never the flow's, remembering when and how (`amr`) the
 * user proved who they are. `method` names the second factor for the audit event.
 */
export async function startSession(
  deps: SessionDeps,
  user: User,
  ip: string,
  proof: { amr: Amr[]; method?: string; continuation: Continuation },
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
  });
  await deps.stores.users.recordSignIn(user.id, now);
  await deps.audit({
    type: "signin_ok",
    userId: user.id,
    username: user.username,
    ip,
    detail: proof.method ? { method: proof.method } : {},
  });
  return { ok: true, kind: "session", token, continuation: proof.continuation };
}

export interface SignedIn {
  session: Session;
  user: User;
}

/** The session behind a cookie token and its user, while both are alive and active. */
export async function currentSession(
  deps: Pick<SessionDeps, "stores" | "clock">,
  sessionToken: string | undefined,
): Promise<SignedIn | undefined> {
  if (!sessionToken) return undefined;
  const session = await deps.stores.sessions.find(hashToken(sessionToken), deps.clock.now());
  if (!session) return undefined;
  const user = await deps.stores.users.findById(session.userId);
  return user?.active ? { session, user } : undefined;
}

export async function currentUser(
  deps: Pick<SessionDeps, "stores" | "clock">,
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
