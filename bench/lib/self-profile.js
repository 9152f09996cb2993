import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const DIR = new URL("../out/profiles/", import.meta.url);

/**
 * BENCH_GEN_PROF=1: a CPU profile of the load generator itself (this process's main
 * thread) over one phase, written to bench/out/profiles/generator-<label>.cpuprofile
 * — to see what the measuring tool spends.
 */
export async function startSelfProfile(label) {
  mkdirSync(DIR, { recursive: true });
  const file = new URL(`generator-${label}.cpuprofile`, DIR);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
  };
}
