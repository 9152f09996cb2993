import { spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createPool, request } from "./http.js";

/** A port nobody listens on right now (PORT=0 would not tell us which one the server got). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node dist/main.js` (or `script`) as production would run it, on
 * 127.0.0.1:<free port>, and waits for `healthPath` to answer 200. The server's own
 * output goes to `logFile`.
 */
export async function startServer({
  root,
  env,
  logFile,
  nodeFlags = [],
  script = "dist/main.js",
  healthPath = "/healthz",
  inspect = false,
}) {
  const port = await freePort();
  const base = { host: "127.0.0.1", port };
  // inspect: the inspector on loopback, for profiles of one phase (server-profile.js).
  const inspectPort = inspect ? await freePort() : undefined;
  const flags = inspect ? [...nodeFlags, `--inspect=127.0.0.1:${inspectPort}`] : nodeFlags;
  const child = spawn(process.execPath, [...flags, script], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      // Every simulated person signs in from 127.0.0.1: the per-address password limit
      // (50 attempts in flight or failed per 15 min) would turn the load into 429s.
      // The bench measures throughput; the limits have their own tests.
      LIMIT_PASSWORD_IP: "100000000/900/900",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(logFile, { flags: "a" });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  const exit = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  exit.then(() => {
    exited = true;
  });

  const pool = createPool(base, 1);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`server exited during start; see ${logFile}`);
    try {
      const r = await request(pool, "GET", healthPath);
      if (r.status === 200) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server not healthy after 30 s; see ${logFile}`);
    await sleep(100);
  }
  await pool.close();

  return {
    pid: child.pid,
    base,
    inspectPort,
    memory: () => readMemory(child.pid),
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exit;
      clearTimeout(killer);
      log.end();
    },
  };
}

/** Resident set now and its peak (VmHWM), in MiB, from /proc (Linux). */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: kb("VmRSS") / 1024, peakMiB: kb("VmHWM") / 1024 };
  } catch {
    return { rssMiB: Number.NaN, peakMiB: Number.NaN };
  }
}

/** Samples RSS every `intervalMs` until stopped; returns the samples. */
export function sampleMemory(server, intervalMs) {
  const samples = [];
  const timer = setInterval(() => samples.push({ at: Date.now(), ...server.memory() }), intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      samples.push({ at: Date.now(), ...server.memory() });
      return samples;
    },
  };
}
