import type { Audit } from "../audit.js";
import type { FactorId, Judge, Matched, Verdict } from "../factors/factor.js";
import type { Flow } from "../ports/flows.js";
import type { Limits, LockReservation, LockState } from "../ports/limits.js";
import type { Clock } from "../ports/runtime.js";
import type { Stores } from "../ports/stores.js";
import type { User } from "../ports/users.js";
import { type Refusal, refuse } from "../reasons.js";

// The throttle rules, one module for every factor alike (STYLE: check limit → parse →
// consume attempt → verify → reset on success; never charge the user for a server fault).
// Factors only judge; what a verdict costs is decided here.

export interface AttemptDeps {
  stores: Pick<Stores, "flows">;
  limits: Pick<Limits, "secondFactor">;
  clock: Clock;
  audit: Audit;
  rules: { maxWrongCodesPerFlow: number };
}

/** The judges ready for one answer, and the factors that could not get ready (our fault). */
export interface Prepared {
  judges: Judge[];
  faults: { factor: FactorId; error: unknown }[];
}

export interface Answer {
  text: string;
  /** Shaped like an answer of some factor? A malformed answer is never a guess. */
  wellFormed: boolean;
  /** Run after the lock and form checks, before the attempt is reserved. */
  prepare: () => Promise<Prepared | Refusal>;
  ip: string;
}

/** One code attempt, reserved on the flow and on the account before the answer is judged. */
interface Reserved {
  /** The flow's count, this attempt included. */
  failed: number;
  /** The account's reservation: set when this attempt started a block (or reached the cap). */
  account: Extract<LockReservation, { allowed: true }>;
}

/** A locked second factor, in the words that say for how long (or until a supervisor acts). */
export function lockedRefusal(lock: Exclude<LockState, { allowed: true }>): Refusal {
  return lock.lock === "permanent"
    ? refuse("second_factor_locked_for_good")
    : refuse("second_factor_locked", lock.retryAfterMs);
}

/**
 * Judges an answer under the throttle rules: the account's lock, the answer's form, the
 * factors made ready, one attempt reserved on the flow and on the account, then the
 * verdict — a match runs `onMatched` after the account's count is reset; a wrong answer
 * stays counted (and at a limit locks or ends the flow); a right answer used already is
 * given back. A throw before a verdict is ours, not a guess: both counts go back and the
 * error goes on (503).
 */
export async function attempt<T extends { ok: true }>(
  deps: AttemptDeps,
  loaded: { flow: Flow; user: User },
  answer: Answer,
  onMatched: (verdict: Matched) => Promise<T | Refusal>,
): Promise<T | Refusal> {
  const { flow, user } = loaded;
  const lock = await deps.limits.secondFactor.check(user.id);
  if (!lock.allowed) return lockedRefusal(lock);
  if (!answer.wellFormed) return refuse("malformed_code");

  const prepared = await answer.prepare();
  if ("ok" in prepared) return prepared;
  // Nothing could be judged and something failed on our side: 503, nothing charged.
  const fault = prepared.faults[0];
  if (prepared.judges.length === 0 && fault) throw fault.error;

  const reserved = await reserve(deps, flow, user);
  if (!("failed" in reserved)) return reserved;

  let verdict: Verdict;
  try {
    verdict = await judge(prepared.judges, answer.text);
    if (verdict.kind === "matched") {
      // The flow is finished first (taken once, the session made): a flow that ended
      // meanwhile answers "expired" and leaves the attempt counted, as a wrong one would.
      const done = await onMatched(verdict);
      if (done.ok) await deps.limits.secondFactor.reset(user.id);
      return done;
    }
  } catch (err) {
    await bestEffort(() => deps.stores.flows.refundAttempt(flow.idHash));
    await bestEffort(() => deps.limits.secondFactor.refund(user.id, reserved.account.startedBlock));
    throw err;
  }
  if (verdict.kind === "used") return used(deps, loaded, reserved, answer.ip, verdict.detail);
  if (verdict.kind === "unavailable") {
    // Nothing was left to check it against (a code expired between getting ready and
    // judging): not a guess.
    return used(deps, loaded, reserved, answer.ip, { unavailable: true });
  }
  // A wrong answer WAS checked by the factors that could judge it: it counts, even when
  // another factor could not get ready (refunding it gave unlimited guesses at an emailed
  // code); the fault is recorded on the audit event for the operator.
  const faults = Object.fromEntries(prepared.faults.map((f) => [`${f.factor}KeyUnreadable`, true]));
  return wrong(deps, loaded, reserved, answer.ip, {
    ...faults,
    ...(verdict.kind === "wrong" ? verdict.detail : {}),
  });
}

/**
 * Each judge in order until one matches or knows the answer was used already. The answer
 * is wrong when a judge found it wrong; "unavailable" when every judge had nothing left to
 * check it against; wrong too when there was no judge at all (nothing to check: a guess).
 */
async function judge(judges: Judge[], text: string): Promise<Verdict> {
  let wrong = judges.length === 0;
  // What the judges found out about a wrong answer (a phone's clock offset), for the audit
  // event and the words on the page.
  let detail: Record<string, unknown> | undefined;
  for (const j of judges) {
    const verdict = await j(text);
    if (verdict.kind === "matched" || verdict.kind === "used") return verdict;
    if (verdict.kind === "wrong") {
      wrong = true;
      if (verdict.detail) detail = { ...detail, ...verdict.detail };
    }
  }
  if (!wrong) return { kind: "unavailable" };
  return detail ? { kind: "wrong", detail } : { kind: "wrong" };
}

/**
 * One attempt is reserved on the flow, then on the account, BEFORE the answer is judged.
 * Counting after the check let N parallel guesses all pass a limit none of them had
 * raised yet (200 checked against 5). Now at most maxWrongCodesPerFlow answers are
 * checked per flow, and at most the account limit's points per block, however many race,
 * on any number of instances.
 */
async function reserve(deps: AttemptDeps, flow: Flow, user: User): Promise<Reserved | Refusal> {
  const max = deps.rules.maxWrongCodesPerFlow;
  const failed = await deps.stores.flows.reserveAttempt(flow.idHash, max);
  if (failed === undefined) {
    // All its attempts are taken by requests still in flight (or it is gone). Refused
    // unchecked, like a wrong code, and not ended here: those attempts end it if they
    // are wrong, and a racing loser must not end the winner's flow.
    const alive = await deps.stores.flows.find(flow.idHash, deps.clock.now());
    return refuse(alive ? "invalid_code" : "expired");
  }
  let account: LockReservation;
  try {
    account = await deps.limits.secondFactor.consume(user.id);
  } catch (err) {
    // The limiter failed (Redis down): nothing was checked, so the flow's attempt goes
    // back; the request still answers 503.
    await bestEffort(() => deps.stores.flows.refundAttempt(flow.idHash));
    throw err;
  }
  if (!account.allowed) {
    // Not checked, so not a guess on this flow either.
    await deps.stores.flows.refundAttempt(flow.idHash);
    return lockedRefusal(account);
  }
  return { failed, account };
}

/**
 * A valid answer that was used already (a double submission, a replay): refused (RFC 6238
 * §5.2) with the same words as a wrong code, but not a guess, so its attempt is given
 * back. Counting it let the losers of a race of one code end the flow the winner was
 * finishing (5 "wrong" codes) and lock the account's second factor.
 */
async function used(
  deps: AttemptDeps,
  { flow, user }: { flow: Flow; user: User },
  reserved: Reserved,
  ip: string,
  detail: Record<string, unknown> = {},
): Promise<Refusal> {
  await deps.stores.flows.refundAttempt(flow.idHash);
  await deps.limits.secondFactor.refund(user.id, reserved.account.startedBlock);
  await deps.audit({
    type: "second_factor_failed",
    userId: user.id,
    username: user.username,
    ip,
    detail: { ...detail, reused: true },
  });
  // Said so (issue 11): whoever typed it had the right code, so this tells them nothing
  // new, and "wait for the next code" is what helps.
  const triesLeft = Math.max(0, deps.rules.maxWrongCodesPerFlow - (reserved.failed - 1));
  if (detail.unavailable === true) return { ...refuse("invalid_code"), triesLeft };
  return {
    ...refuse("invalid_code"),
    triesLeft,
    hint: { kind: "used", recoveryCode: detail.recoveryCode === true },
  };
}

/**
 * A wrong answer, counted already by reserve: at a limit it locks or ends the flow. A lock
 * is audited with its block number and length, or as permanent at the cap; the user is
 * emailed at the first block and at the cap (delivery/wire.ts).
 */
async function wrong(
  deps: AttemptDeps,
  { flow, user }: { flow: Flow; user: User },
  reserved: Reserved,
  ip: string,
  detail: Record<string, unknown>,
): Promise<Refusal> {
  const { failed } = reserved;
  await deps.audit({
    type: "second_factor_failed",
    userId: user.id,
    username: user.username,
    ip,
    detail: { ...detail, failed },
  });
  const ended = { purpose: flow.purpose, continuation: flow.continuation };
  const { startedBlock, blockedForMs, reachedCap } = reserved.account;
  if (startedBlock !== undefined) {
    await deps.stores.flows.delete(flow.idHash);
    await deps.audit({
      type: "second_factor_locked",
      userId: user.id,
      username: user.username,
      ip,
      detail: reachedCap
        ? { block: startedBlock, permanent: true }
        : { block: startedBlock, minutes: Math.ceil((blockedForMs ?? 0) / 60_000) },
    });
    return reachedCap
      ? { ...refuse("second_factor_locked_for_good"), ended }
      : { ...refuse("second_factor_locked", blockedForMs), ended };
  }
  if (failed >= deps.rules.maxWrongCodesPerFlow) {
    await deps.stores.flows.delete(flow.idHash);
    await deps.audit({
      type: "challenge_ended",
      userId: user.id,
      username: user.username,
      ip,
      detail: { failed },
    });
    return { ...refuse("too_many_codes"), ended };
  }
  const offset = detail.clockOffsetSeconds;
  return {
    ...refuse("invalid_code"),
    triesLeft: deps.rules.maxWrongCodesPerFlow - failed,
    ...(typeof offset === "number" ? { hint: { kind: "clock", offsetSeconds: offset } } : {}),
  };
}

/** A refund during a fault: if it fails too, the first error is the one reported. */
async function bestEffort(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch {
    // Ignored on purpose: the caller rethrows the original error.
  }
}
