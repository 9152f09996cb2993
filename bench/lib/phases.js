import { setTimeout as sleep } from "node:timers/promises";
import { fullLogin, verifyOnly } from "./flows.js";
import { percentile, runLoad } from "./load.js";
import { sampleMemory } from "./server.js";
import { StepBook } from "./steps.js";
import { perSignIn, startHealthz, startWindow, summary, target } from "./window.js";

export const PASSWORD = "bench: correct horse battery staple";

/** Vestibule's sign-in, as the phases drive it; bench/lib/peer-flows.js has the peer's. */
export const vestibule = {
  name: "Vestibule",
  fullSignIn: (t, book, user) => fullLogin(t, book, user, PASSWORD),
  verifyOnly: (t, book, user) => verifyOnly(t, book, user),
};

/**
 * (1, 3, 5): full sign-ins at one concurrency, with /healthz probed alongside and the
 * CPU of the server, the generator and the machine accounted over the phase.
 */
export async function loginPhase(
  server,
  book,
  {
    concurrency,
    seconds,
    warmupSeconds = 0,
    healthzIntervalMs,
    product = vestibule,
    extraPids,
    label,
    profileDir,
    perSecond = 0,
  },
) {
  const t = target(server, concurrency);
  const attempt = (user) => product.fullSignIn(t, book, user);
  // Warm-up, not counted: both sides' JIT, the connections, SQLite's page cache.
  if (warmupSeconds > 0) {
    await runLoad({ concurrency, seconds: warmupSeconds, book, attempt, perSecond });
  }
  const prober = healthzIntervalMs > 0 ? await startHealthz(server, healthzIntervalMs) : undefined;
  const stop = await startWindow(server, { proberPid: prober?.pid, extraPids, label, profileDir });
  const result = await runLoad({ concurrency, seconds, book, attempt, perSecond });
  const { used, profile } = await stop();
  const healthz = await prober?.stop();
  await t.pool.close();
  return { ...summary(result), healthz, cpu: perSignIn(used, result.ok.length), profile };
}

/**
 * (4): the TOTP step alone. Pending sign-ins are prepared first (not timed), two per
 * user (the steps now and now+1), by `prepare(users)`; then only the verify request
 * is timed. `check` compares a sample of them with what the server renders.
 */
export async function verifyPhase(
  server,
  users,
  {
    concurrency,
    seconds,
    warmupSeconds = 0,
    product = vestibule,
    check,
    extraPids,
    label,
    profileDir,
  },
) {
  const t = target(server, concurrency);
  if (check) await check(t, users.slice(0, 8));
  let left = users.reduce((n, u) => n + u.flows.length, 0);
  const book = new StepBook(users.filter((u) => u.flows.length));
  const attempt = (user) => {
    left--;
    return product.verifyOnly(t, book, user);
  };
  const done = () => left <= 0;
  // Warm-up on a tenth of the prepared sign-ins at most, not counted.
  const spare = left - Math.ceil(left * 0.9);
  if (warmupSeconds > 0) {
    const stopAt = left - spare;
    await runLoad({
      concurrency,
      seconds: warmupSeconds,
      book,
      attempt,
      done: () => left <= stopAt,
    });
  }
  const stop = await startWindow(server, { extraPids, label, profileDir });
  const result = await runLoad({ concurrency, seconds, book, attempt, done });
  const { used, profile } = await stop();
  await t.pool.close();
  return { ...summary(result), cpu: perSignIn(used, result.ok.length), profile };
}

/**
 * (6): many more concurrent sign-ins than the hash cap admits. Goodput is the full
 * sign-ins completed inside the window per second; the 503s are timed per request.
 * `retry`: "after" — a client turned away starts again once the answer's Retry-After
 * has passed (a person reading the page and pressing the button again; no browser
 * retries a 503 by itself); "immediate" — at once, a retry loop per client.
 */
export async function overloadPhase(
  server,
  book,
  { concurrency, seconds, extraPids, label, profileDir, retry = "after" },
) {
  const t = target(server, concurrency);
  const memory = sampleMemory(server, 200);
  const stop = await startWindow(server, { extraPids, label, profileDir });
  const end = performance.now() + seconds * 1000;
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: async (user) => {
      const outcome = await vestibule.fullSignIn(t, book, user);
      if (retry === "after" && outcome.kind === "busy" && outcome.retryAfterSeconds > 0) {
        const left = end - performance.now();
        if (left > 0) await sleep(Math.min(outcome.retryAfterSeconds * 1000, left));
      }
      return outcome;
    },
  });
  const { used, profile } = await stop();
  const samples = memory.stop();
  await t.pool.close();
  return {
    ...summary(result),
    okInWindow: result.okInWindow,
    busyP50: percentile(result.busyStep, 50),
    busyP99: percentile(result.busyStep, 99),
    busyRetryAfter: result.busyRetryAfter,
    busyAt: [...result.busyAt],
    rssMaxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    peakMiB: samples.at(-1).peakMiB,
    cpu: used,
    profile,
  };
}

/** (6, soak): steady sign-ins; RSS after the first 10 % (warm-up) vs at the end. */
export async function soakPhase(server, book, { seconds, concurrency = 16 }) {
  const t = target(server, concurrency);
  const memory = sampleMemory(server, 1000);
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: (user) => vestibule.fullSignIn(t, book, user),
  });
  const samples = memory.stop();
  await t.pool.close();
  const warm = samples[Math.max(1, Math.floor(samples.length / 10))] ?? samples[0];
  const last = samples.at(-1);
  return {
    ...summary(result),
    rssStartMiB: warm.rssMiB,
    rssEndMiB: last.rssMiB,
    rssMaxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    growthPct: ((last.rssMiB - warm.rssMiB) / warm.rssMiB) * 100,
  };
}
