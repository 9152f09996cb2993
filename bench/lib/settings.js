// Every knob of `npm run bench`, from the environment, with the defaults of the full run.
const num = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
};

const ALL_PHASES = ["argon", "login", "oidc", "generator", "totp", "overload", "soak", "scale"];

function overloadRetry(raw) {
  const value = raw === undefined || raw === "" ? "after" : raw;
  if (value !== "after" && value !== "immediate") {
    throw new Error('BENCH_OVERLOAD_RETRY must be "after" or "immediate"');
  }
  return value;
}

export function loadSettings() {
  const phases = (process.env.BENCH_PHASES ?? ALL_PHASES.join(","))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of phases) {
    if (!ALL_PHASES.includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}"`);
  }
  const scale = process.env.BENCH_USERS_SCALE === "1";
  return {
    seconds: num("BENCH_SECONDS", 20),
    warmupSeconds: num("BENCH_WARMUP_SECONDS", 3),
    argonSeconds: num("BENCH_ARGON_SECONDS", 5),
    concurrencies: (process.env.BENCH_CONCURRENCY ?? "16,64").split(",").map(Number),
    generatorRate: num("BENCH_GENERATOR_RATE", 100),
    totpSignIns: num("BENCH_TOTP_SIGNINS", 30_000),
    totpConcurrency: num("BENCH_TOTP_CONCURRENCY", 64),
    overloadConcurrency: num("BENCH_OVERLOAD", 500),
    overloadSeconds: num("BENCH_OVERLOAD_SECONDS", 10),
    // What a person turned away does (bench/README.md, row 6): presses the button again
    // after the Retry-After the page was sent with ("after", the default), or at once
    // ("immediate": every client a retry loop, the worst case).
    overloadRetry: overloadRetry(process.env.BENCH_OVERLOAD_RETRY),
    soakSeconds: num("BENCH_SOAK_SECONDS", 300),
    scaleUsers: num("BENCH_SCALE_USERS", 1_000_000),
    healthzIntervalMs: num("BENCH_HEALTHZ_INTERVAL_MS", 20),
    databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
    redisUrl: process.env.BENCH_REDIS_URL || undefined,
    keepDatabase: process.env.BENCH_KEEP_DB === "1",
    cpuProfile: process.env.BENCH_CPU_PROF === "1",
    phases: new Set(phases.filter((p) => p !== "scale" || scale)),
  };
}
