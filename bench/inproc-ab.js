// Before/after of the verification step's CPU in ONE process: two builds of the server
// (copies of dist/, e.g. from two commits) are loaded side by side, each on its own
// fresh SQLite file, and POST /login/verify is sent to each through Fastify's inject
// (no socket: Fastify, the hooks, our code and SQLite, not the kernel or the HTTP
// parser) in alternating batches, so drift on a shared machine hits both alike. Prints
// the CPU per verification (process.cpuUsage) of each batch, the medians, and the median
// of each round's B ÷ A.
//
//   node bench/inproc-ab.js DIST_A DIST_B [batches=8] [per batch=300]
//
// Each DIST is a directory holding a built dist/ and package.json (bench/README.md).
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openSeeder } from "./lib/seed.js";
import { StepBook } from "./lib/steps.js";

const [distA, distB, batchesArg, perBatchArg] = process.argv.slice(2);
if (!distA || !distB) {
  process.stderr.write("usage: node bench/inproc-ab.js DIST_A DIST_B [batches] [per batch]\n");
  process.exit(2);
}
const batches = Number(batchesArg ?? 8);
const perBatch = Number(perBatchArg ?? 300);
const warmup = Number(process.env.BENCH_AB_WARMUP ?? 1000);
const out = join(fileURLToPath(new URL(".", import.meta.url)), "out", "inproc");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const secretKey = randomBytes(48).toString("base64url");
const PASSWORD = "bench: correct horse battery staple";

async function load(label, dir) {
  const url = `sqlite:${join(out, `${label}.db`)}`;
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: url,
    SECRET_KEY: secretKey,
    LOG_LEVEL: "warn",
    PUBLIC_URL: "http://127.0.0.1:3000",
    HOST: "127.0.0.1",
    PORT: "3000",
  });
  const base = pathToFileURL(`${resolve(dir)}/dist/`);
  const { loadConfig } = await import(new URL("config.js", base).href);
  const { createSystem } = await import(new URL("system.js", base).href);
  const system = await createSystem(loadConfig());
  const app = await system.buildApp();
  await app.ready();
  const seeder = await openSeeder(url, secretKey);
  const count = warmup + batches * perBatch;
  const users = await seeder.seedUsers(`ab${label}`, Math.ceil(count / 2), PASSWORD);
  for (const user of users) {
    user.flows = [];
    await seeder.pendingSignIns(user, 2);
  }
  await seeder.close();
  return { label, app, system, book: new StepBook(users) };
}

async function verify(side) {
  const user = side.book.take();
  if (!user) throw new Error("no user with a usable step left: fewer batches");
  const flow = user.flows.pop();
  const res = await side.app.inject({
    method: "POST",
    url: "/login/verify",
    headers: {
      cookie: `vst_signin=${flow.token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: `_csrf=${flow.csrf}&code=${side.book.code(user)}`,
  });
  side.book.give(user);
  if (res.statusCode !== 303 || res.headers.location !== "/") {
    throw new Error(`${side.label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
}

/** `n` verifications, 8 in flight; CPU microseconds per verification. */
async function batch(side, n) {
  let left = n;
  const worker = async () => {
    while (left-- > 0) await verify(side);
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: 8 }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const sides = [await load("A", distA), await load("B", distB)];
for (const side of sides) await batch(side, warmup);
const figures = { A: [], B: [] };
for (let i = 0; i < batches; i++) {
  // Alternate the order too: A first in even rounds, B first in odd ones.
  for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
    figures[side.label].push(await batch(side, perBatch));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const label of ["A", "B"]) {
  const xs = figures[label];
  console.log(
    `${label} ${label === "A" ? distA : distB}: median ${median(xs).toFixed(0)} µs per verification (${xs.map((x) => x.toFixed(0)).join(" ")})`,
  );
}
// Each round's two batches ran next to each other: their ratio cancels the drift (JIT,
// other work on the machine) that the medians above still carry.
const ratios = figures.B.map((b, i) => b / figures.A[i]);
console.log(
  `B ÷ A: median of the rounds' ratios ${median(ratios).toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(" ")})`,
);
for (const side of sides) {
  await side.app.close();
  await side.system.close();
}
