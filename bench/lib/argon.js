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
