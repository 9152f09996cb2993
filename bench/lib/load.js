import { setTimeout as sleep } from "node:timers/promises";
import { StepBook } from "./steps.js";

/**
 * `concurrency` workers (sign-ins in flight at most), each looping: borrow a user with a usable TOTP step, run
 * `attempt`, give the user back. Stops after `seconds` or when `done()` says so.
 * A worker that finds no usable user waits for the next time step ("starved": the
 * generator ran short of users, not a server error).
 */
export async function runLoad({
  concurrency,
  seconds,
  book,
  attempt,
  done = () => false,
  perSecond = 0,
}) {
  const result = {
    ok: [],
    okInWindow: 0,
    busy: [],
    busyStep: [],
    busyRetryAfter: 0,
    busyAt: new Map(),
    codeRefused: 0,
    errors: 0,
    errorSamples: new Map(),
    starved: 0,
    seconds: 0,
  };
  const start = performance.now();
  const end = start + seconds * 1000;
  // perSecond > 0: sign-ins start on a fixed schedule (paced), not as fast as they can.
  const interval = perSecond > 0 ? 1000 / perSecond : 0;
  let nextStart = start;
  const worker = async () => {
    while (performance.now() < end && !done()) {
      if (interval) {
        const wait = nextStart - performance.now();
        nextStart += interval;
        if (wait > 0) await sleep(wait);
        if (performance.now() >= end) break;
      }
      const user = book.take();
      if (!user) {
        if (book.idle.length === 0 && done()) return;
        result.starved++;
        await sleep(Math.min(StepBook.untilNextStep(), Math.max(0, end - performance.now())));
        continue;
      }
      const outcome = await attempt(user);
      book.give(user);
      record(result, outcome);
      if (outcome.kind === "ok" && performance.now() <= end) result.okInWindow++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Rates count what finished inside the window; the drain after it only adds latencies.
  result.seconds = Math.min(seconds, (performance.now() - start) / 1000);
  return result;
}

function record(result, outcome) {
  switch (outcome.kind) {
    case "ok":
      result.ok.push(outcome.ms);
      break;
    case "busy":
      result.busy.push(outcome.ms);
      result.busyStep.push(outcome.stepMs);
      if (outcome.retryAfter) result.busyRetryAfter++;
      result.busyAt.set(outcome.at, (result.busyAt.get(outcome.at) ?? 0) + 1);
      break;
    case "code_refused":
      result.codeRefused++;
      break;
    default: {
      result.errors++;
      const n = result.errorSamples.get(outcome.detail) ?? 0;
      result.errorSamples.set(outcome.detail, n + 1);
    }
  }
}

export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, rank)];
}
