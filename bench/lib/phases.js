import { fork } from "node:child_process";
import { once } from "node:events";
import { startCpuAccount } from "./cpu.js";
import { fullLogin, verifyOnly } from "./flows.js";
import { CookieJar, createPool, csrfFrom, request } from "./http.js";
import { percentile, runLoad } from "./load.js";
import { startSelfProfile } from "./self-profile.js";
import { sampleMemory } from "./server.js";
import { startServerProfile } from "./server-profile.js";
import { StepBook } from "./steps.js";
import { recordSignIn, startStub } from "./stub.js";

export const PASSWORD = "bench: correct horse battery staple";
// Over plain http the cookies carry no __Host- prefix (web/http.ts cookieNames).
const SIGNIN_COOKIE = "vst_signin";

/** Vestibule's sign-in, as the phases drive it; bench/lib/peer-flows.js has the peer's. */
export const vestibule = {
  name: "Vestibule",
  fullSignIn: (t, book, user) => fullLogin(t, book, user, PASSWORD),
  verifyOnly: (t, book, user) => verifyOnly(t, book, user),
};

function target(server, connections) {
  return {
    base: server.base,
    origin: `http://${server.base.host}:${server.base.port}`,
    pool: createPool(server.base, connections),
    signinCookie: SIGNIN_COOKIE,
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

/**
 * The measured window of a phase: the CPU account (cpu.js) and, when asked, the
 * server's profile (BENCH_CPU_PROF=1, `profileDir`) and the generator's own
 * (BENCH_GEN_PROF=1), all started after the warm-up and stopped together.
 */
async function startWindow(server, { proberPid, extraPids, label, profileDir }) {
  const stopServerProfile =
    profileDir && label && server.inspectPort
      ? await startServerProfile(server, profileDir, label)
      : undefined;
  const stopSelfProfile =
    process.env.BENCH_GEN_PROF === "1" && label ? await startSelfProfile(label) : undefined;
  const cpu = await startCpuAccount({ serverPid: server.pid, proberPid, extraPids });
  return async () => {
    const used = await cpu.stop();
    await stopSelfProfile?.();
    const profile = await stopServerProfile?.();
    return { used, profile };
  };
}

/** CPU per completed sign-in (or verification), in ms, for the server and the generator. */
function perSignIn(cpu, count) {
  return {
    ...cpu,
    serverMsPer: cpu.serverMs / count,
    serverMainMsPer: cpu.serverMainMs / count,
    generatorMsPer: cpu.generatorMs / count,
    // % of one core per 100 sign-ins/s = ms of generator CPU per sign-in × 10.
    generatorPctPer100: (cpu.generatorMs / count) * 10,
  };
}

async function startHealthz(server, intervalMs) {
  const child = fork(
    new URL("./healthz-probe.js", import.meta.url),
    [server.base.host, String(server.base.port), String(intervalMs)],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  await once(child, "message");
  return {
    pid: child.pid,
    async stop() {
      const answer = once(child, "message");
      child.send("stop");
      const [data] = await answer;
      await once(child, "exit");
      return {
        samples: data.samples.length,
        failures: data.failures,
        p50: percentile(data.samples, 50),
        p99: percentile(data.samples, 99),
        max: Math.max(...data.samples),
      };
    },
  };
}

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

class EndlessBook extends StepBook {
  take() {
    return this.idle.shift();
  }
  code(user, nowMs) {
    user.lastStep = 0;
    return super.code(user, nowMs);
  }
}

/**
 * (3): the load generator alone, against a stub replaying one real sign-in (stub.js):
 * paced at `perSecond`, and flat out.
 */
export async function generatorPhase(
  server,
  book,
  { concurrency, seconds, warmupSeconds, perSecond },
) {
  const user = book.take();
  const exchanges = await recordSignIn(server.base, user, book, PASSWORD);
  book.give(user);
  const stub = await startStub(exchanges);
  // The stub checks no code, so its users never run out of steps; the code is still
  // computed for each sign-in, as against the server.
  const endless = new EndlessBook(
    Array.from({ length: concurrency }, (_, i) => ({
      username: `stub${i}`,
      secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
      lastStep: 0,
    })),
  );
  try {
    const common = { concurrency, seconds, warmupSeconds, healthzIntervalMs: 0 };
    const paced = await loginPhase(stub, endless, { ...common, perSecond });
    const flat = await loginPhase(stub, endless, common);
    return { paced: { ...paced, target: perSecond }, flat };
  } finally {
    await stub.stop();
  }
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
  let left = users.reduce((n, u) => n + u.challenges.length, 0);
  const book = new StepBook(users.filter((u) => u.challenges.length));
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

/** Vestibule's pending sign-ins, written with the store's own createChallenge (seed.js). */
export async function prepareVestibuleChallenges(seeder, count) {
  const users = await seeder.seedUsers("tv", Math.ceil(count / 2), PASSWORD);
  let left = count;
  for (const user of users) {
    user.challenges = [];
    const n = Math.min(2, left);
    if (n > 0) await seeder.pendingSignIns(user, n);
    left -= n;
  }
  return users;
}

/**
 * The prepared CSRF tokens are computed as web/http.ts does; a few are checked
 * against the rendered form, and the run stops if the scheme has changed.
 */
export async function checkVestibuleCsrf(t, sample) {
  for (const c of sample.flatMap((u) => u.challenges.slice(0, 1))) {
    const jar = new CookieJar();
    jar.set(t.signinCookie, c.token);
    const r = await request(t.pool, "GET", "/login/verify", { jar, keepBody: true });
    if (r.status !== 200) throw new Error(`prepared sign-in not at the verify step: ${r.status}`);
    if (csrfFrom(r.body) !== c.csrf) {
      throw new Error("CSRF scheme differs from web/http.ts: update bench/lib/seed.js");
    }
  }
}

/**
 * (6): many more concurrent sign-ins than the hash cap admits. Goodput is the full
 * sign-ins completed inside the window per second; the 503s are timed per request.
 */
export async function overloadPhase(
  server,
  book,
  { concurrency, seconds, extraPids, label, profileDir },
) {
  const t = target(server, concurrency);
  const memory = sampleMemory(server, 200);
  const stop = await startWindow(server, { extraPids, label, profileDir });
  const result = await runLoad({
    concurrency,
    seconds,
    book,
    attempt: (user) => vestibule.fullSignIn(t, book, user),
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
