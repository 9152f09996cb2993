// `npm run bench:peer`: Vestibule and better-auth 1.7.25 (+ two-factor) side by side,
// same machine, same load generator, same concurrency and length, in one run. The peer
// lives in bench/peer/ with its own package.json and lock (installed here with npm ci
// on first use); it is not a dependency of the project. See bench/README.md.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Secret } from "otpauth";
import { measureArgon2 } from "./lib/argon.js";
import { freshDatabase } from "./lib/database.js";
import { createPool, request } from "./lib/http.js";
import { betterAuthFlows } from "./lib/peer-flows.js";
import { peerRows } from "./lib/peer-rows.js";
import { loginPhase, PASSWORD, verifyPhase } from "./lib/phases.js";
import { commandLine, commit, machine, markdown } from "./lib/report.js";
import { openSeeder } from "./lib/seed.js";
import { startServer } from "./lib/server.js";
import { loadSettings } from "./lib/settings.js";
import { StepBook } from "./lib/steps.js";
import { checkVestibuleCsrf, prepareVestibuleChallenges } from "./lib/vestibule-pending.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const peerDir = join(root, "bench", "peer");
const outDir = join(root, "bench", "out");
mkdirSync(outDir, { recursive: true });
const settings = loadSettings();
const verifySignIns = Number(process.env.BENCH_PEER_VERIFY_SIGNINS || 10_000);
const say = (line) => process.stderr.write(`bench:peer: ${line}\n`);

/** npm ci in bench/peer when its node_modules are missing or older than its lock. */
function installPeer() {
  const marker = join(peerDir, "node_modules", ".package-lock.json");
  const lock = join(peerDir, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing better-auth in bench/peer (npm ci; compiles better-sqlite3, a few minutes)");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: peerDir, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm ci in bench/peer failed");
}

function peerHashRate() {
  const out = execFileSync(process.execPath, ["hash-rate.js", String(settings.argonSeconds)], {
    cwd: peerDir,
    encoding: "utf8",
  });
  return JSON.parse(out);
}

async function startPeer(dbFile) {
  return startServer({
    root: peerDir,
    script: "server.js",
    healthPath: "/bench/ok",
    logFile: join(outDir, "peer-server.log"),
    env: { PEER_DB_FILE: dbFile, PEER_SECRET: randomBytes(32).toString("base64url") },
  });
}

/** Users seeded in the peer through its /bench/seed helper (server.js). */
async function seedPeer(server, prefix, count) {
  const pool = createPool(server.base, 1);
  try {
    const r = await request(pool, "POST", "/bench/seed", {
      json: JSON.stringify({ prefix, count, password: PASSWORD }),
      keepBody: true,
    });
    if (r.status !== 200) throw new Error(`peer seeding failed: ${r.status} ${r.body}`);
    // better-auth keys HMAC with the secret string's bytes; otpauth wants them as base32.
    return JSON.parse(r.body).map((u) => ({
      id: u.id,
      username: u.email,
      secret: new Secret({ buffer: new Uint8Array(Buffer.from(u.secret, "utf8")).buffer }).base32,
      lastStep: 1,
    }));
  } finally {
    await pool.close();
  }
}

/** Two pending two-factor sign-ins per user (steps now and now+1), through /bench/pending. */
async function preparePeerChallenges(server, count) {
  const users = await seedPeer(server, "pv", Math.ceil(count / 2));
  const ids = [];
  let left = count;
  for (const u of users) {
    u.flows = [];
    const n = Math.min(2, left);
    for (let i = 0; i < n; i++) ids.push(u);
    left -= n;
  }
  const pool = createPool(server.base, 1);
  try {
    const r = await request(pool, "POST", "/bench/pending", {
      json: JSON.stringify({ userIds: ids.map((u) => u.id) }),
      keepBody: true,
    });
    if (r.status !== 200) throw new Error(`peer pending sign-ins failed: ${r.status} ${r.body}`);
    JSON.parse(r.body).cookies.forEach((cookie, i) => {
      ids[i].flows.push(cookie);
    });
  } finally {
    await pool.close();
  }
  return users;
}

async function main() {
  installPeer();
  const results = { settings: { ...settings, phases: undefined, verifySignIns } };
  say(
    `argon2id (Vestibule) and scrypt (better-auth) verify rates, ${settings.argonSeconds} s each`,
  );
  results.argon = await measureArgon2(settings.argonSeconds);
  results.scrypt = peerHashRate();

  const db = await freshDatabase(outDir, undefined, "peer-vestibule");
  const peerDb = join(outDir, `vestibule_bench_peer_betterauth_${Date.now()}.db`);
  const secretKey = randomBytes(48).toString("base64url");
  const seeder = await openSeeder(db.url, secretKey);
  const vServer = await startServer({
    root,
    logFile: join(outDir, "server.log"),
    env: { DATABASE_URL: db.url, SECRET_KEY: secretKey },
  });
  const pServer = await startPeer(peerDb);
  const peer = betterAuthFlows(PASSWORD);
  try {
    const users = Math.max(1500, Math.ceil(results.argon.perSecond * 30 * 2));
    say(`seeding ${users} users with TOTP in each`);
    const vBook = new StepBook(await seeder.seedUsers("lg", users, PASSWORD));
    const pBook = new StepBook(await seedPeer(pServer, "pa", users));
    results.users = users;
    results.login = [];
    for (const concurrency of settings.concurrencies) {
      const common = { ...settings, concurrency, healthzIntervalMs: 200 };
      say(`Vestibule: full sign-in at concurrency ${concurrency}, ${settings.seconds} s`);
      const v = await loginPhase(vServer, vBook, common);
      say(`better-auth: full sign-in at concurrency ${concurrency}, ${settings.seconds} s`);
      const p = await loginPhase(pServer, pBook, { ...common, product: peer });
      results.login.push({ concurrency, vestibule: v, peer: p });
    }
    say(`verify step alone: preparing ${verifySignIns} pending sign-ins in each`);
    const vUsers = await prepareVestibuleChallenges(seeder, verifySignIns);
    const pUsers = await preparePeerChallenges(pServer, verifySignIns);
    const verifyOpts = {
      concurrency: settings.totpConcurrency,
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
    };
    say(`Vestibule: verify step alone at concurrency ${settings.totpConcurrency}`);
    const vVerify = await verifyPhase(vServer, vUsers, {
      ...verifyOpts,
      check: checkVestibuleCsrf,
    });
    say(`better-auth: verify step alone at concurrency ${settings.totpConcurrency}`);
    const pVerify = await verifyPhase(pServer, pUsers, { ...verifyOpts, product: peer });
    results.verify = { vestibule: vVerify, peer: pVerify };
  } finally {
    await vServer.stop();
    await pServer.stop();
    await seeder.close();
    await db.drop();
    for (const suffix of ["", "-wal", "-shm", "-journal"]) {
      rmSync(`${peerDb}${suffix}`, { force: true });
    }
  }
  const { rows, notes } = peerRows(results);
  const text = markdown({
    title: "Vestibule vs better-auth 1.7.25 (+ two-factor), SQLite, same run",
    facts: [
      `Date: ${new Date().toISOString()}`,
      `Machine: ${machine()}`,
      `Commit: ${commit(root)}`,
      `Command: \`${commandLine("npm run bench:peer")}\``,
    ],
    rows,
    notes,
  });
  process.stdout.write(`${text}\n`);
  writeFileSync(join(outDir, "peer.md"), `${text}\n`);
  writeFileSync(join(outDir, "peer.json"), `${JSON.stringify(results, mapsAsArrays, 2)}\n`);
  say("table written to bench/out/peer.md");
}

const mapsAsArrays = (_key, value) => (value instanceof Map ? [...value] : value);

main().catch((err) => {
  process.stderr.write(`bench:peer: failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
