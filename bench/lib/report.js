import { execSync } from "node:child_process";
import { cpus, totalmem } from "node:os";

export const ms = (v) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : "–");
export const rate = (v, unit) =>
  Number.isFinite(v)
    ? `${v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1)} ${unit}`
    : "–";
export const mib = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} MiB` : "–");

export function machine() {
  const list = cpus();
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return `${list.length} × ${list[0]?.model.trim() ?? "unknown CPU"}, ${gib} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}`;
}

export function commit(root) {
  try {
    return execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** The command as typed, with the BENCH_ variables set (a database URL is elided). */
export function commandLine(script) {
  return [
    ...Object.entries(process.env)
      .filter(([k]) => k.startsWith("BENCH_") && k !== "BENCH_DATABASE_URL")
      .map(([k, v]) => `${k}=${v}`),
    process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL=…" : "",
    script,
  ]
    .filter(Boolean)
    .join(" ");
}

export const pct = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : "–");

/**
 * rows: { row, what, result, p50, p99, errors, target, verdict }; extra: more Markdown
 * lines after the notes (the profile split).
 */
export function markdown({ title, facts, rows, notes, extra = [] }) {
  const head = ["#", "Measurement", "Result", "p50", "p99", "Errors", "Target", "Met?"];
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [
    `## ${title}`,
    "",
    ...facts.map((f) => `- ${f}`),
    "",
    line(head),
    line(head.map(() => "---")),
    ...rows.map((r) =>
      line([
        r.row,
        r.what,
        r.result,
        r.p50 ?? "",
        r.p99 ?? "",
        r.errors ?? "",
        r.target ?? "",
        r.verdict ?? "",
      ]),
    ),
    "",
    ...(notes.length ? ["Notes:", "", ...notes.map((n) => `- ${n}`), ""] : []),
    ...extra,
  ].join("\n");
}

export const verdict = (ok) => (ok === undefined ? "" : ok ? "yes" : "**no**");
