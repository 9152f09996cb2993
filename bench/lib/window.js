import { fork } from "node:child_process";
import { once } from "node:events";
import { startCpuAccount } from "./cpu.js";
import { createPool } from "./http.js";
import { percentile } from "./load.js";
import { startSelfProfile } from "./self-profile.js";
import { startServerProfile } from "./server-profile.js";

// What every phase shares: its target (a pool on the server), the measured window (CPU
// account, profiles), the /healthz prober, and the summary of a run.

// Over plain http the cookies carry no __Host- prefix (web/http.ts cookieNames).
const SIGNIN_COOKIE = "vst_signin";

export function target(server, connections) {
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
export async function startWindow(server, { proberPid, extraPids, label, profileDir }) {
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
export function perSignIn(cpu, count) {
  return {
    ...cpu,
    serverMsPer: cpu.serverMs / count,
    serverMainMsPer: cpu.serverMainMs / count,
    generatorMsPer: cpu.generatorMs / count,
    // % of one core per 100 sign-ins/s = ms of generator CPU per sign-in × 10.
    generatorPctPer100: (cpu.generatorMs / count) * 10,
  };
}

export async function startHealthz(server, intervalMs) {
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
