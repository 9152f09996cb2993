import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

// CPU time from /proc (Linux): a process's utime + stime, and the whole machine's busy
// time, in clock ticks converted to milliseconds. Sampled at the start and the end of
// a phase, so the figures cover exactly the timed load and the drain after it.

const TICK_MS = 1000 / clockTicks();

function clockTicks() {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/**
 * utime + stime of a process (all its threads) in ms, or of one thread (`tid`; the
 * main thread's is the pid), or NaN when it is gone.
 */
export function processCpuMs(pid, tid) {
  try {
    const stat = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** Busy time of all cores (everything but idle and iowait) in ms, from /proc/stat. */
export function machineBusyMs() {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const t = line.trim().split(/\s+/).slice(1).map(Number);
    const total = t.reduce((a, b) => a + b, 0);
    return (total - (t[3] ?? 0) - (t[4] ?? 0)) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** This process's CPU (every thread: event loop, GC, libuv pool) in ms. */
export function ownCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Starts a CPU account for one phase: the server's process (and the processes
 * `extraPids()` names, the PostgreSQL backends serving it; asked again at the end for
 * backends opened meanwhile), this process (the load generator), the /healthz
 * prober, and the whole machine — what is left of the machine's busy time is other
 * people's work (noise).
 */
export async function startCpuAccount({ serverPid, proberPid, extraPids = async () => [] }) {
  const take = (pids) => ({
    at: performance.now(),
    server: processCpuMs(serverPid),
    serverMain: processCpuMs(serverPid, serverPid),
    prober: proberPid ? processCpuMs(proberPid) : 0,
    generator: ownCpuMs(),
    machine: machineBusyMs(),
    extra: new Map(pids.map((pid) => [pid, processCpuMs(pid)])),
  });
  const start = take(await extraPids());
  return {
    async stop() {
      const end = take(await extraPids());
      let extraMs = 0;
      for (const [pid, ms] of end.extra) {
        const before = start.extra.get(pid) ?? 0;
        if (Number.isFinite(ms)) extraMs += ms - (Number.isFinite(before) ? before : 0);
      }
      const serverMs = end.server - start.server;
      const serverMainMs = end.serverMain - start.serverMain;
      const generatorMs = end.generator - start.generator;
      const proberMs = end.prober - start.prober;
      const machineMs = end.machine - start.machine;
      return {
        wallMs: end.at - start.at,
        serverMs,
        serverMainMs,
        generatorMs,
        proberMs,
        extraMs,
        machineMs,
        othersMs: machineMs - serverMs - generatorMs - proberMs - extraMs,
      };
    },
  };
}
