import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { cookieNames } from "../../dist/web/http.js";
import { fullLogin, verifyOnly } from "./flows.js";
import { createAgent, csrfFrom, request } from "./http.js";
import { percentile, runLoad } from "./load.js";
import { sampleMemory } from "./server.js";
import { StepBook } from "./steps.js";

export const PASSWORD = "bench: correct horse battery staple";

function target(server, sockets) {
  return {
    base: server.base,
    agent: createAgent(sockets),
    signinCookie: cookieNames(false).signin,
  };
}

export function summary(result) {
  return {
    count: result.ok.length,
    perSecond: result.okInWindow / result.seconds,
    p50: percentile(result.ok, 50),
    p99: percentile(result.ok, 99),
    errors: result.errors,
    busy: result.busy.length,
    codeRefused: result.codeRefused,
    starved: result.starved,
    errorSamples: [...result.errorSamples].slice(0, 5),
    seconds: result.seconds,
  };
}

function startHealthz(server, intervalMs) {
  const worker = new Worker(new URL("./healthz-worker.js", import.meta.url), {
    workerData: { base: server.base, intervalMs },
  });
  return async () => {
    worker.postMessage("stop");
    const [data] = await once(worker, "message");
    await worker.terminate();
    return {
      samples: data.samples.length,
      failures: data.failures,
      p50: percentile(data.samples, 50),
      p99: percentile(data.samples, 99),
      max: Math.max(...data.samples),
    };
  };
}

/** (1) + (4): full sign-ins at one concurrency, with /healthz probed alongside. */
export async function loginPhase(server, book, { concurrency, seconds, healthzIntervalMs }) {
  const t = target(server, concurrency);
  const stopHealthz = startHealthz(server, healthzIntervalMs);
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: (user) => fullLogin(t, book, user, PASSWORD),
  });
  const healthz = await stopHealthz();
  t.agent.destroy();
  return { ...summary(result), healthz };
}

/**
 * (3): the TOTP step alone. Pending sign-ins are prepared first (not timed), two per
 * user (the steps now and now+1), then only POST /login/verify is timed.
 */
export async function totpPhase(server, seeder, { signIns, concurrency, seconds }) {
  const users = await seeder.seedUsers("tv", Math.ceil(signIns / 2), PASSWORD);
  let left = 0;
  for (const user of users) {
    user.challenges = [];
    const n = Math.min(2, signIns - left);
    if (n > 0) await seeder.pendingSignIns(user, n);
    left += n;
  }
  const t = target(server, concurrency);
  await checkCsrf(t, users.slice(0, 8));
  const book = new StepBook(users.filter((u) => u.challenges.length));
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: (user) => {
      left--;
      return verifyOnly(t, book, user);
    },
    done: () => left <= 0,
  });
  t.agent.destroy();
  return { ...summary(result), prepared: signIns };
}

/**
 * The prepared CSRF tokens are computed as web/http.ts does; a few are checked
 * against the rendered form, and if the scheme has changed, all are scraped.
 */
async function checkCsrf(t, sample) {
  const jarFor = (token) => ({
    cookies: new Map([[t.signinCookie, token]]),
    header: () => `${t.signinCookie}=${token}`,
    take() {},
  });
  const scrape = async (c) => {
    const r = await request(t.base, t.agent, "GET", "/login/verify", { jar: jarFor(c.token) });
    if (r.status !== 200) throw new Error(`prepared sign-in not at the verify step: ${r.status}`);
    return csrfFrom(r.body);
  };
  const challenges = sample.flatMap((u) => u.challenges.slice(0, 1));
  for (const c of challenges) {
    const scraped = await scrape(c);
    if (scraped !== c.csrf) {
      throw new Error("CSRF scheme differs from web/http.ts: update bench/lib/seed.js");
    }
  }
}

/** (5): many more concurrent sign-ins than the hash cap admits. */
export async function overloadPhase(server, book, { concurrency, seconds }) {
  const t = target(server, concurrency);
  const memory = sampleMemory(server, 200);
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: (user) => fullLogin(t, book, user, PASSWORD),
  });
  const samples = memory.stop();
  t.agent.destroy();
  return {
    ...summary(result),
    busyP50: percentile(result.busyStep, 50),
    busyP99: percentile(result.busyStep, 99),
    rssMaxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    peakMiB: samples.at(-1).peakMiB,
  };
}

/** (5, soak): steady sign-ins; RSS after the first 10 % (warm-up) vs at the end. */
export async function soakPhase(server, book, { seconds, concurrency = 16 }) {
  const t = target(server, concurrency);
  const memory = sampleMemory(server, 1000);
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: (user) => fullLogin(t, book, user, PASSWORD),
  });
  const samples = memory.stop();
  t.agent.destroy();
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
