import type { Clock, Random, Role } from "./ports/runtime.js";
import type { Session } from "./ports/sessions.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";
import { hasSecondFactor } from "./proof.js";
import { hashToken, newToken } from "./secrets.js";
import { inUse, type SessionRules } from "./sessions.js";

// Forward-auth (issue 10 part 2): may this browser pass to this host? Any signed-in user
// whose session proved a second factor, unless a rule for the host names the roles that
// may. The browser is known by its forward-auth cookie, a second token naming its
// Vestibule session (docs/integrate.md): ending the session ends it too.

export interface ForwardDeps {
  stores: Pick<Stores, "users" | "sessions" | "access">;
  clock: Clock;
  random: Random;
  /** The idle timeout applies to a session used through forward-auth too (issue 14). */
  rules: Pick<SessionRules, "sessionIdleMs">;
}

export type ForwardVerdict =
  /** Let the request through; tell the application who it is. */
  | { kind: "allowed"; user: User }
  /** Nobody signed in, or a sign-in without a second factor: send the browser to sign in. */
  | { kind: "sign_in" }
  /** Signed in, but this host is not open to the user's role. */
  | { kind: "forbidden"; user: User };

/** What the application learns on 200: `Remote-User`, `Remote-Name`, `Remote-Email`, `Remote-Groups`. */
export interface RemoteIdentity {
  user: string;
  name: string;
  email: string;
  groups: string;
}

const HOST =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A host name as rules are keyed: lower case, no port, no trailing dot; undefined when it is not one. */
export function normalizeHost(input: string): string | undefined {
  const host = input.trim().toLowerCase();
  return HOST.test(host) ? host : undefined;
}

/** The verdict for a signed-in user's session (or none) and a host. */
export async function judgeForward(
  deps: Pick<ForwardDeps, "stores">,
  signedIn: { session: Session; user: User } | undefined,
  host: string,
): Promise<ForwardVerdict> {
  if (!signedIn?.user.active || !hasSecondFactor(signedIn.session)) return { kind: "sign_in" };
  const rule = await deps.stores.access.find(host);
  if (rule && !rule.roles.includes(signedIn.user.role)) {
    return { kind: "forbidden", user: signedIn.user };
  }
  return { kind: "allowed", user: signedIn.user };
}

/**
 * The session and user a forward-auth cookie's token names, while both are alive. A
 * request through the proxy is a use of the session: it slides the idle timeout, and an
 * idle session ends here as on our own pages (core/sessions.ts).
 */
export async function forwardSession(
  deps: Pick<ForwardDeps, "stores" | "clock" | "rules">,
  token: string | undefined,
): Promise<{ session: Session; user: User } | undefined> {
  if (!token) return undefined;
  const session = await deps.stores.sessions.findByForward(hashToken(token), deps.clock.now());
  return session && inUse(deps, session);
}

/**
 * A new forward-auth token for a session (the cookie's value); an earlier one of the
 * same session stops working. Undefined when the session is gone.
 */
export async function issueForwardToken(
  deps: Pick<ForwardDeps, "stores" | "random">,
  session: Pick<Session, "idHash">,
): Promise<string | undefined> {
  const token = newToken(deps.random);
  return (await deps.stores.sessions.setForward(session.idHash, hashToken(token)))
    ? token
    : undefined;
}

/** Always all four, empty when unknown, so a client's own copies never reach the application. */
export function remoteIdentity(user: User): RemoteIdentity {
  return {
    user: user.username,
    name: user.displayName || user.username,
    email: user.email ?? "",
    groups: user.role satisfies Role,
  };
}
