import type { Flow } from "../ports/flows.js";
import type { Method } from "../ports/runtime.js";
import type { Amr } from "../ports/sessions.js";
import type { User } from "../ports/users.js";
import type { Refusal } from "../reasons.js";

// A second factor is one module behind this interface (DESIGN §2): whether this user can
// use it now, how it starts (send a code, show a set-up key), and how it judges an answer.
// The throttle rules are not here: core/flow/attempts.ts applies them to every factor alike.

/** A factor's name: "app", "email", "sms", … (the methods an administrator enables). */
export type FactorId = string;

/**
 * How a person answers with it, so pages draw it without knowing the factor: an
 * authenticator they set up once, a code sent to them, a list of one-time codes they keep.
 */
export type FactorKind = "authenticator" | "code" | "lookup";

/** What a factor is asked about: a user's flow, under the enabled methods. */
export interface FactorContext {
  flow: Flow;
  user: User;
  methods: readonly Method[];
}

/** How a factor judged an answer. */
export type Verdict =
  | { kind: "matched"; factor: FactorId; amr: Amr }
  /** Not this factor's answer: a guess, counted. */
  | { kind: "wrong"; detail?: Record<string, unknown> }
  /** The right answer, used already (a double submission, a replay): refused, not a guess. */
  | { kind: "used"; detail?: Record<string, unknown> }
  /** Nothing to check it against after all (the code expired meanwhile). */
  | { kind: "unavailable" };

export type Matched = Extract<Verdict, { kind: "matched" }>;

/**
 * Judges one answer. Made by `prepare` BEFORE the attempt is reserved, so whatever can
 * fail on our side without being a guess (a key that does not open) fails first and
 * charges the user nothing (STYLE: never charge for a server fault).
 */
export type Judge = (answer: string) => Promise<Verdict>;

/** What starting a factor gave the person: a key to add to their app, or a code sent. */
export type Started =
  | { ok: true; kind: "key"; secret: string; grouped: string; uri: string }
  | { ok: true; kind: "sent"; method: "email" | "sms"; destination: string; token?: string };

export interface Factor {
  readonly id: FactorId;
  readonly kind: FactorKind;
  readonly amr: Amr;
  /** May this user use the factor on the verification screen now (settings, provider, enrolment)? */
  available(ctx: FactorContext): Promise<boolean>;
  /** Is `answer` shaped like this factor's answers? A malformed answer is never a guess. */
  accepts(answer: string): boolean;
  /** Undefined when the factor has nothing to judge against on this flow now. Throws on our faults. */
  prepare(ctx: FactorContext): Promise<Judge | undefined>;
  /** Starts the factor for this flow: `ip` is the client's, for limits and the audit. */
  start(ctx: FactorContext, ip: string): Promise<Started | Refusal>;
}

/**
 * A typed answer as a factor reads it: trimmed, and a 6-digit code written the way apps
 * show it (`123 456`, `123-456`) joined, so every factor judges the digits. Anything else
 * is left as typed: it is still malformed for a 6-digit factor (never a guess), and a
 * factor with answers of another shape reads its own.
 */
export function normaliseAnswer(typed: string): string {
  const trimmed = typed.trim();
  const grouped = /^(\d{3})[ \u00a0-]?(\d{3})$/.exec(trimmed);
  return grouped ? `${grouped[1]}${grouped[2]}` : trimmed;
}

/** A 6-digit code, as every authenticator app, email and SMS here shows it. */
export function isSixDigits(answer: string): boolean {
  return /^\d{6}$/.test(answer);
}
