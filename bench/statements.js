// `node bench/statements.js` (after `npm run build`): the SQL statements each request of
// one full sign-in runs (GET /login → POST /login → GET /login/verify → POST
// /login/verify), counted at the driver, every statement (ours, the rate limiter's,
// BEGIN/COMMIT) included. SQLite by default; BENCH_DATABASE_URL=postgres://… for
// PostgreSQL (a fresh database next to it, dropped at the end), with BENCH_REDIS_URL
// for the limits. BENCH_STATEMENTS_SQL=1 prints each statement's text too.
// The server runs in this process (Fastify's inject): the same app as `node dist/main.js`.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freshDatabase } from "./lib/database.js";
import { PASSWORD } from "./lib/phases.js";
import { openSeeder } from "./lib/seed.js";
import { StepBook } from "./lib/steps.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, "bench", "out");
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const showSql = process.env.BENCH_STATEMENTS_SQL === "1";

/** Every statement run at the driver, as SQL text, in order. */
const seen = [];
let counting = false;
const note = (sql) => {
  if (counting) seen.push(sql.replace(/\s+/g, " ").trim());
};

// better-sqlite3: run/get/all/iterate of every prepared statement, and exec.
const SQLite = require("better-sqlite3");
{
  const probe = new SQLite(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("select 1"));
  for (const method of ["run", "get", "all", "iterate"]) {
    const original = proto[method];
    proto[method] = function (...args) {
      note(this.source);
      return original.apply(this, args);
    };
  }
  const exec = SQLite.prototype.exec;
  SQLite.prototype.exec = function (sql) {
    note(sql);
    return exec.call(this, sql);
  };
  probe.close();
}
// pg: every query a client sends.
const pg = require("pg");
{
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    note(typeof config === "string" ? config : (config?.text ?? String(config)));
    return query.call(this, config, ...rest);
  };
}

const databaseUrl = process.env.BENCH_DATABASE_URL;
const db = await freshDatabase(outDir, databaseUrl, "statements");
const secretKey = randomBytes(48).toString("base64url");
const seeder = await openSeeder(db.url, secretKey);
const [user] = await seeder.seedUsers("st", 1, PASSWORD);
const book = new StepBook([user]);

Object.assign(process.env, {
  NODE_ENV: "production",
  PUBLIC_URL: "http://127.0.0.1:3000",
  LOG_LEVEL: "warn",
  DATABASE_URL: db.url,
  SECRET_KEY: secretKey,
  ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
});
const { loadConfig } = await import("../dist/config.js");
const { createSystem } = await import("../dist/system.js");
const system = await createSystem(loadConfig());
const app = await system.buildApp();
await app.ready();

const cookies = new Map();
const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
const keep = (res) => {
  for (const c of res.cookies) {
    if (c.value === "" || c.maxAge === 0) cookies.delete(c.name);
    else cookies.set(c.name, c.value);
  }
};
const csrf = (body) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? "";

async function step(label, options) {
  seen.length = 0;
  counting = true;
  const res = await app.inject({
    ...options,
    headers: { cookie: cookieHeader(), ...options.headers },
  });
  counting = false;
  keep(res);
  rows.push({ label, status: res.statusCode, statements: [...seen] });
  return res;
}

const rows = [];
const form = { "content-type": "application/x-www-form-urlencoded" };
const enc = encodeURIComponent;
// One sign-in first, untimed and uncounted, so one-time work (settings read at the first
// request, the provider's key) is not counted as the sign-in's.
for (const count of [false, true]) {
  cookies.clear();
  rows.length = 0;
  let r = await step("GET /login", { method: "GET", url: "/login" });
  r = await step("POST /login", {
    method: "POST",
    url: "/login",
    headers: form,
    payload: `_csrf=${csrf(r.body)}&username=${enc(user.username)}&password=${enc(PASSWORD)}`,
  });
  r = await step("GET /login/verify", { method: "GET", url: "/login/verify" });
  r = await step("POST /login/verify", {
    method: "POST",
    url: "/login/verify",
    headers: form,
    payload: `_csrf=${csrf(r.body)}&code=${book.code(user)}`,
  });
  if (r.statusCode !== 303 || r.headers.location !== "/") {
    throw new Error(`sign-in did not finish: ${r.statusCode} ${r.headers.location}`);
  }
  if (count) break;
  // The next sign-in needs a fresh TOTP step: the book uses step now+1 at most.
  user.lastStep = Math.floor(Date.now() / 30_000);
}

const total = rows.reduce((n, r) => n + r.statements.length, 0);
process.stdout.write(
  `Statements per request of one full sign-in (${db.kind}${process.env.BENCH_REDIS_URL ? " + Redis" : ""})\n\n`,
);
process.stdout.write("| request | status | statements |\n| --- | --- | --- |\n");
for (const r of rows)
  process.stdout.write(`| ${r.label} | ${r.status} | ${r.statements.length} |\n`);
process.stdout.write(`| all four | | ${total} |\n`);
if (showSql) {
  for (const r of rows) {
    process.stdout.write(`\n${r.label}:\n`);
    for (const s of r.statements) process.stdout.write(`  ${s.slice(0, 240)}\n`);
  }
}
await app.close();
await system.close();
await seeder.close?.();
await db.drop?.();
