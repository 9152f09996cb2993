import type { Session } from "./ports/sessions.js";

// Whether a session's proof (how and when its user signed in) answers what an
// application asks for, so a signed-in browser is not made to sign in again for nothing.

/** A second factor is among the session's methods (anything beside the password). */
export function hasSecondFactor(session: Pick<Session, "amr">): boolean {
  return session.amr.some((m) => m !== "pwd");
}

export interface Asked {
  /** The application (or its request) requires a second factor. */
  secondFactor: boolean;
  /** OpenID Connect max_age: the proof may be at most this old. */
  maxAgeMs?: number | undefined;
  /** prompt=login: the person must sign in again whatever the session. */
  fresh: boolean;
}

export function proofAnswers(
  session: Pick<Session, "amr" | "authTime">,
  asked: Asked,
  now: number,
): boolean {
  if (asked.fresh) return false;
  if (asked.secondFactor && !hasSecondFactor(session)) return false;
  return asked.maxAgeMs === undefined || now - session.authTime <= asked.maxAgeMs;
}
