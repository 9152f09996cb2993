// better-auth's password verify (its own verifyPassword: node:crypto scrypt with the
// parameters of @better-auth/utils) per second with `cores` in flight, and the CPU one costs,
// measured in this process as bench/lib/argon.js measures argon2id. Prints JSON.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { hashPassword, verifyPassword } from "better-auth/crypto";

// The parameters as the installed package has them (read, not assumed).
const source = readFileSync(
  new URL("./node_modules/@better-auth/utils/dist/password.node.mjs", import.meta.url),
  "utf8",
);
const param = (name) => Number(new RegExp(`${name}: (\\d+)`).exec(source)?.[1]);
const params = {
  algorithm: "scrypt",
  N: param("N"),
  r: param("r"),
  p: param("p"),
  dkLen: param("dkLen"),
};

const seconds = Number(process.argv[2] ?? 5);
const cores = availableParallelism();
const password = "bench password for the scrypt rate";
const hash = await hashPassword(password);
await verifyPassword({ hash, password }); // warm up
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let count = 0;
const cpu0 = cpu();
const start = performance.now();
const end = start + seconds * 1000;
await Promise.all(
  Array.from({ length: cores }, async () => {
    while (performance.now() < end) {
      if (!(await verifyPassword({ hash, password }))) throw new Error("scrypt verify failed");
      count++;
    }
  }),
);
const elapsed = (performance.now() - start) / 1000;
process.stdout.write(
  JSON.stringify({
    cores,
    perSecond: count / elapsed,
    count,
    cpuMsPerVerify: (cpu() - cpu0) / count,
    params: { ...params, memoryMiB: (128 * params.N * params.r) / 2 ** 20 },
  }),
);
