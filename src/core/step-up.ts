import type { Method } from "./ports/runtime.js";
import type { Session } from "./ports/sessions.js";

/** A second factor proved longer ago than this is proved again before a sensitive change. */
export const STEP_UP_MAX_AGE_MS = 10 * 60_000;

/**
 * Does this session need a fresh second factor before a sensitive change (a new password,
 * another authenticator, someone's contact details)? Yes when second factors are enabled
 * and the session's last one is older than `maxAgeMs`, or it never had one.
 */
export function needsStepUp(
  session: Pick<Session, "amr" | "authTime">,
  methods: readonly Method[],
  now: number,
  maxAgeMs = STEP_UP_MAX_AGE_MS,
): boolean {
  if (methods.length === 0) return false;
  const secondFactor = session.amr.some((m) => m !== "pwd");
  return !secondFactor || now - session.authTime > maxAgeMs;
}
