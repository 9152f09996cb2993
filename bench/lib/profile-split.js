// Splits a V8 .cpuprofile (node --cpu-prof) by where the code lives: self time of every
// sampled frame, grouped by package or by our own code. Used by run.js when
// BENCH_CPU_PROF=1, and on its own:
//
//   node bench/lib/profile-split.js bench/out/profiles/login-c16.cpuprofile
//
// The profile covers the main thread only: argon2id runs on libuv's pool and appears
// here only as the calls that start it. Frames without a script (native functions:
// a better-sqlite3 statement's run(), a socket's writev, a hash's digest) count for
// the nearest caller that has one, so SQLite's own work lands with the code that asked
// for it — unless that caller is our statement cache, when it is better-sqlite3's.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const PARTS = [
  ["better-sqlite3/kysely", /node_modules\/(better-sqlite3|kysely)\//],
  ["pg", /node_modules\/(pg|pg-[a-z-]+|postgres-[a-z-]+)\//],
  [
    "ioredis/rate-limiter-flexible",
    /node_modules\/(ioredis|@ioredis\/[^/]+|redis-[a-z-]+|rate-limiter-flexible|cluster-key-slot|denque)\//,
  ],
  ["@fastify/helmet", /node_modules\/(@fastify\/helmet|helmet)\//],
  [
    "fastify/light-my-request/find-my-way",
    /node_modules\/(fastify|@fastify\/[^/]+|light-my-request|find-my-way|avvio|fast-[a-z-]+|@fastify\/[^/]+|secure-json-parse|toad-cache|process-warning|abstract-logging|pino[a-z-]*|rfdc|ret|safe-regex2|fast-querystring|content-type|cookie|proxy-addr|forwarded|ipaddr\.js|semver|json-schema-ref-resolver|fast-decode-uri-component)\//,
  ],
  [
    "node:crypto/argon2 binding",
    /node_modules\/(@node-rs\/argon2[^/]*)\/|^node:(internal\/)?crypto/,
  ],
  ["otpauth", /node_modules\/otpauth\//],
  [
    "better-auth (peer)",
    /node_modules\/(better-auth|@better-auth\/[^/]+|better-call|@better-fetch\/[^/]+|@noble\/[^/]+|jose|zod|defu|rou3)\//,
  ],
  ["other packages", /node_modules\//],
  [
    "node: http/net/streams",
    /^node:(internal\/)?(http|_http|net|stream|streams|internal\/streams|buffer|events|timers|url|querystring|dns)/,
  ],
  ["node: module loading, fs (startup mostly)", /^node:(internal\/)?(modules|fs)\b|^node:fs/],
  ["node: other", /^node:/],
];
const OURS = "our src/ code";
const GC = "GC";
const IDLE = "(idle)";
const OTHER = "other (program, native)";
const STATEMENT_CACHE = /\/dist\/store\/open\.js$|\/store\/open\.js$/;
const SQLITE_NATIVE = new Set(["run", "get", "all", "iterate", "prepare", "exec", "pragma"]);

function partOf(url) {
  if (url === "") return undefined;
  for (const [name, pattern] of PARTS) if (pattern.test(url)) return name;
  if (/\/(dist|src)\//.test(url) || /^file:.*\/(dist|src|peer)\//.test(url)) return OURS;
  return "other scripts";
}

/** { totalMs, idleMs, busyMs, parts: [{ part, ms, share }] } with shares of busy time. */
export function splitProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const groupOf = new Map();
  const group = (id) => {
    const cached = groupOf.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    const { functionName, url } = node.callFrame;
    let g;
    if (functionName === "(garbage collector)") g = GC;
    else if (functionName === "(idle)") g = IDLE;
    else if (functionName === "(program)" || functionName === "(root)") g = OTHER;
    else if (url !== "") g = partOf(url);
    else {
      const up = parent.get(id);
      const upUrl = up === undefined ? "" : byId.get(up).callFrame.url;
      if (SQLITE_NATIVE.has(functionName) && STATEMENT_CACHE.test(upUrl)) {
        g = "better-sqlite3/kysely";
      } else g = up === undefined ? OTHER : group(up);
    }
    groupOf.set(id, g);
    return g;
  };
  const ms = new Map();
  const { samples, timeDeltas } = profile;
  // timeDeltas[i] is the time before sample i; it belongs to the sample before it.
  for (let i = 0; i < samples.length; i++) {
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    const g = group(samples[i]);
    ms.set(g, (ms.get(g) ?? 0) + dt);
  }
  const totalMs = [...ms.values()].reduce((a, b) => a + b, 0);
  const idleMs = ms.get(IDLE) ?? 0;
  const busyMs = totalMs - idleMs;
  ms.delete(IDLE);
  const parts = [...ms]
    .map(([part, v]) => ({ part, ms: v, share: v / busyMs }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs, idleMs, busyMs, parts };
}

export function splitProfileFile(file) {
  return splitProfile(JSON.parse(readFileSync(file, "utf8")));
}

/**
 * Markdown lines: one row per part, its share of the main thread's busy time, and per
 * sign-in when `count` (sign-ins in the profiled window) is given: the share of
 * `cpuMs` (the main thread's CPU over the window, from /proc) when known — the profile
 * samples wall time, which preemption on a busy machine inflates — else profile time.
 */
export function splitTable(split, count, cpuMs) {
  const scale = Number.isFinite(cpuMs) ? cpuMs / split.busyMs : 1;
  const per = (v) => (count ? ` ${(((v * scale) / count) * 1000).toFixed(0)} µs |` : "");
  return [
    `| part | profile time | share |${count ? " CPU per sign-in |" : ""}`,
    `| --- | --- | --- |${count ? " --- |" : ""}`,
    ...split.parts.map(
      (p) => `| ${p.part} | ${p.ms.toFixed(0)} ms | ${(p.share * 100).toFixed(1)} % |${per(p.ms)}`,
    ),
    `| all parts | ${split.busyMs.toFixed(0)} ms | 100 % |${per(split.busyMs)}`,
    `| (idle, not counted) | ${split.idleMs.toFixed(0)} ms | |${count ? " |" : ""}`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write("usage: node bench/lib/profile-split.js FILE.cpuprofile…\n");
    process.exit(2);
  }
  for (const file of files) {
    const split = splitProfileFile(file);
    process.stdout.write(
      `${file}: ${split.busyMs.toFixed(0)} ms busy of ${split.totalMs.toFixed(0)} ms\n\n${splitTable(split).join("\n")}\n\n`,
    );
  }
}
