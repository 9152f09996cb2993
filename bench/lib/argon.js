import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { ARGON2_OPTIONS } from "../../dist/core/password.js";
import { ownCpuMs } from "./cpu.js";

/**
 * The physical limit of the password step: argon2id verifications per second with
 * the server's parameters, one in flight per core (as the server's hash cap allows),
 * on libuv's thread pool. A full sign-in spends exactly one of these. The CPU one
 * verify costs is measured here too (this process does nothing else meanwhile): it is
 * what the server's CPU per sign-in is compared with.
 */
export async function measureArgon2(seconds) {
  const cores = availableParallelism();
  const password = "bench password for argon2 rate";
  const encoded = await hash(password, ARGON2_OPTIONS);
  await verify(encoded, password); // warm up
  let count = 0;
  const cpu0 = ownCpuMs();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (performance.now() < end) {
        if (!(await verify(encoded, password))) throw new Error("argon2 verify failed");
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const cpuMsPerVerify = (ownCpuMs() - cpu0) / count;
  return { cores, perSecond: count / elapsed, count, cpuMsPerVerify, params: ARGON2_OPTIONS };
}

/**
 * Two measurements (before and after the sign-in rows) as one limit: other work on the
 * machine only ever lowers a rate and raises a CPU cost, so the higher rate and the
 * lower CPU are the closer to the truth.
 */
export function combineArgon(before, after) {
  if (!after) return { ...before, runs: [before.perSecond] };
  return {
    ...before,
    perSecond: Math.max(before.perSecond, after.perSecond),
    cpuMsPerVerify: Math.min(before.cpuMsPerVerify, after.cpuMsPerVerify),
    runs: [before.perSecond, after.perSecond],
  };
}
