// `npm run bench`: builds, starts the real server on a fresh database, and measures
// sign-in over real HTTP. See bench/README.md for what each row means.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { combineArgon, measureArgon2 } from "./lib/argon.js";
import { freshDatabase } from "./lib/database.js";
import { generatorPhase } from "./lib/generator-phase.js";
import { fullOidcSignIn, registerBenchClient } from "./lib/oidc-flow.js";
import { loginPhase, overloadPhase, PASSWORD, soakPhase, verifyPhase } from "./lib/phases.js";
import { splitProfileFile } from "./lib/profile-split.js";
import { commandLine, commit, machine, markdown } from "./lib/report.js";
import { buildRows } from "./lib/rows.js";
import { openSeeder } from "./lib/seed.js";
import { startServer } from "./lib/server.js";
import { loadSettings } from "./lib/settings.js";
import { StepBook } from "./lib/steps.js";
import { checkVestibuleCsrf, prepareVestibuleChallenges } from "./lib/vestibule-pending.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, "bench", "out");
const profiles = join(outDir, "profiles");
mkdirSync(outDir, { recursive: true });
const settings = loadSettings();
const secretKey = randomBytes(48).toString("base64url");
const logFile = join(outDir, "server.log");
const say = (line) => process.stderr.write(`bench: ${line}\n`);
const results = { settings: { ...settings, phases: [...settings.phases] } };

/**
 * Starts the server for `fn`. With BENCH_CPU_PROF=1 it runs with the inspector on
 * loopback, and each phase profiles its own measured window (server-profile.js).
 */
async function withServer(db, fn) {
  const server = await startServer({
    root,
    logFile,
    inspect: settings.cpuProfile,
    // Another build of the server (a copy of dist/ from an earlier commit) for
    // before/after runs on the same machine, interleaved.
    script: process.env.BENCH_SERVER_SCRIPT || "dist/main.js",
    env: {
      DATABASE_URL: db.url,
      SECRET_KEY: secretKey,
      ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    },
  });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

async function main() {
  const { phases } = settings;
  if (settings.cpuProfile) rmSync(profiles, { recursive: true, force: true });
  if (phases.has("argon")) {
    say(`argon2id verify rate on all cores, ${settings.argonSeconds} s`);
    results.argon = await measureArgon2(settings.argonSeconds);
  }
  const db = await freshDatabase(outDir, settings.databaseUrl, "main");
  results.store = `${db.kind}${settings.redisUrl ? " + Redis" : ""}`;
  const seeder = await openSeeder(db.url, secretKey);
  const extraPids = db.backendPids;
  const profileDir = settings.cpuProfile ? profiles : undefined;
  try {
    // Enough users that none waits for a fresh TOTP step: a user signs in at most
    // once per 30 s in steady state, and the password step caps the rate.
    const cap = results.argon?.perSecond ?? 100;
    const poolSize = Math.max(1500, Math.ceil(cap * 30 * 2), settings.overloadConcurrency * 2);
    say(`seeding ${poolSize} users with known TOTP secrets`);
    const book = new StepBook(await seeder.seedUsers("lg", poolSize, PASSWORD));
    const steps = [];
    if (phases.has("login")) {
      results.login = [];
      for (const concurrency of settings.concurrencies) {
        steps.push([
          `login-c${concurrency}`,
          async (server) => {
            say(`full sign-in at concurrency ${concurrency}, ${settings.seconds} s`);
            const r = await loginPhase(server, book, {
              ...settings,
              concurrency,
              extraPids,
              label: `login-c${concurrency}`,
              profileDir,
            });
            results.login.push({ concurrency, ...r });
          },
        ]);
      }
    }
    if (phases.has("oidc")) {
      // Issue 10: authorize → Login → Confirm → token request, beside the plain sign-in.
      const clientId = await registerBenchClient(seeder);
      const concurrency = settings.concurrencies[0];
      const product = {
        name: "Vestibule (OpenID Connect)",
        fullSignIn: (t, b, user) => fullOidcSignIn(t, b, user, PASSWORD, clientId),
      };
      steps.push([
        "oidc",
        async (server) => {
          say(`full OpenID Connect sign-in at concurrency ${concurrency}, ${settings.seconds} s`);
          const r = await loginPhase(server, book, {
            ...settings,
            concurrency,
            product,
            healthzIntervalMs: 0,
            extraPids,
            label: `oidc-c${concurrency}`,
            profileDir,
          });
          results.oidc = { concurrency, ...r };
        },
      ]);
    }
    if (phases.has("generator")) {
      steps.push([
        "generator",
        async (server) => {
          say(`load generator alone against a stub: ${settings.generatorRate}/s, then flat out`);
          results.generator = await generatorPhase(server, book, {
            concurrency: 16,
            seconds: settings.seconds,
            warmupSeconds: settings.warmupSeconds,
            perSecond: settings.generatorRate,
          });
        },
      ]);
    }
    if (phases.has("totp")) {
      steps.push([
        "totp",
        async (server) => {
          say(`TOTP step alone: preparing ${settings.totpSignIns} pending sign-ins`);
          const users = await prepareVestibuleChallenges(seeder, settings.totpSignIns);
          say(`TOTP step alone at concurrency ${settings.totpConcurrency}`);
          results.totp = await verifyPhase(server, users, {
            concurrency: settings.totpConcurrency,
            seconds: settings.seconds,
            warmupSeconds: settings.warmupSeconds,
            check: checkVestibuleCsrf,
            label: "totp",
            profileDir,
            extraPids,
          });
        },
      ]);
    }
    if (phases.has("overload")) {
      steps.push([
        "overload",
        async (server) => {
          say(`overload: ${settings.overloadConcurrency} concurrent sign-ins`);
          results.overload = await overloadPhase(server, book, {
            concurrency: settings.overloadConcurrency,
            seconds: settings.overloadSeconds,
            retry: settings.overloadRetry,
            extraPids,
            label: "overload",
            profileDir,
          });
        },
      ]);
    }
    if (phases.has("soak") && settings.soakSeconds > 0) {
      steps.push([
        "soak",
        async (server) => {
          say(`soak: ${settings.soakSeconds} s at concurrency 16`);
          results.soak = await soakPhase(server, book, { seconds: settings.soakSeconds });
        },
      ]);
    }
    if (steps.length) {
      await withServer(db, async (server) => {
        results.rssIdle = server.memory();
        for (const [, run] of steps) await run(server);
      });
    }
  } finally {
    await seeder.close();
    if (!settings.keepDatabase) await db.drop();
  }
  if (results.argon && (results.login || results.totp)) {
    say(`argon2id verify rate again, ${settings.argonSeconds} s`);
    results.argon = combineArgon(results.argon, await measureArgon2(settings.argonSeconds));
  }
  if (phases.has("scale")) results.scale = await scalePhase();
  if (settings.cpuProfile) results.profiles = splitProfiles();
  report();
}

/** The split by part of every profiled phase (profile-split.js). */
function splitProfiles() {
  const out = {};
  const phases = [
    ...(results.login ?? []).map((r) => [`login-c${r.concurrency}`, r]),
    ["totp", results.totp],
    ["overload", results.overload],
    [`oidc-c${results.oidc?.concurrency}`, results.oidc],
  ];
  for (const [label, r] of phases) {
    if (r?.profile) {
      out[label] = {
        file: r.profile,
        count: r.count,
        mainMs: r.cpu.serverMainMs,
        ...splitProfileFile(r.profile),
      };
    }
  }
  return out;
}

/** (7): sign-in latency with 1,000 users, then with BENCH_SCALE_USERS (bulk insert). */
async function scalePhase() {
  const db = await freshDatabase(outDir, settings.databaseUrl, "scale");
  const seeder = await openSeeder(db.url, secretKey);
  const measure = (book) =>
    withServer(db, (server) =>
      loginPhase(server, book, {
        ...settings,
        concurrency: 16,
        healthzIntervalMs: 200,
        extraPids: db.backendPids,
      }),
    );
  try {
    say("scale: 1,000 users");
    const small = await measure(new StepBook(await seeder.seedUsers("sc", 1000, PASSWORD)));
    const extra = settings.scaleUsers - 1000;
    say(`scale: bulk insert of ${extra.toLocaleString("en")} users`);
    const t0 = performance.now();
    const bulk = await seeder.bulkUsers("bk", 1, extra, PASSWORD);
    const insertSeconds = (performance.now() - t0) / 1000;
    const users = await seeder.userCount();
    // Sign in as bulk users spread over the whole table, each with the shared secret.
    const picks = new Set();
    while (picks.size < Math.min(extra, 3000)) picks.add(1 + Math.floor(Math.random() * extra));
    await bulk.reseal([...picks]);
    const book = new StepBook(
      [...picks].map((n) => ({ username: bulk.username(n), secret: bulk.secret, lastStep: 1 })),
    );
    say(`scale: ${users.toLocaleString("en")} users`);
    const large = await measure(book);
    return { small, large, users, insertSeconds };
  } finally {
    await seeder.close();
    if (!settings.keepDatabase) await db.drop();
  }
}

function report() {
  const { rows, notes, extra } = buildRows(results);
  const text = markdown({
    title: `Sign-in benchmark — ${results.store}`,
    facts: [
      `Date: ${new Date().toISOString()}`,
      `Machine: ${machine()}`,
      `Commit: ${commit(root)}`,
      `Command: \`${commandLine("npm run bench")}\``,
    ],
    rows,
    notes,
    extra,
  });
  process.stdout.write(`${text}\n`);
  writeFileSync(join(outDir, "latest.md"), `${text}\n`);
  writeFileSync(join(outDir, "latest.json"), `${JSON.stringify(results, jsonSafe, 2)}\n`);
  say(`table written to bench/out/latest.md; server log in bench/out/server.log`);
}

const jsonSafe = (_key, value) => (value instanceof Map ? [...value] : value);

main().catch((err) => {
  process.stderr.write(`bench: failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
