import { splitTable } from "./profile-split.js";
import { mib, ms, pct, rate, verdict } from "./report.js";
import { oidcRows, overloadRows, scaleRows } from "./rows-capacity.js";
import { TARGETS } from "./targets.js";

export const errorsOf = (r) =>
  [
    `${r.errors}`,
    r.busy ? `${r.busy} busy (503)` : "",
    r.codeRefused ? `${r.codeRefused} codes refused` : "",
  ]
    .filter(Boolean)
    .join(", ");

/**
 * "server 24.5 ms (main thread 9.1 ms), generator 0.40 ms" (+ PostgreSQL backends when
 * measured).
 */
export const cpuPair = (cpu) =>
  `server ${ms(cpu.serverMsPer)}${Number.isFinite(cpu.serverMainMsPer) ? ` (main thread ${ms(cpu.serverMainMsPer)})` : ""}, generator ${ms(cpu.generatorMsPer)}${
    cpu.extraMs > 0
      ? ` (+ PostgreSQL backends ${ms(cpu.extraMs / (cpu.serverMs / cpu.serverMsPer))})`
      : ""
  }`;

/** Other processes' share of the machine during a phase, in cores. */
export const noise = (cpu) => (cpu ? Math.max(0, cpu.othersMs / cpu.wallMs) : Number.NaN);

/** The results of one run as table rows, notes, and the profile split (extra lines). */
export function buildRows(results) {
  const rows = [];
  const notes = [];
  const extra = [];
  const { argon, login, totp, overload, soak, scale, profiles } = results;

  for (const r of login ?? []) {
    const ratio = argon ? r.perSecond / argon.perSecond : Number.NaN;
    rows.push({
      row: "1",
      what: `Full sign-in, concurrency ${r.concurrency}, ${r.seconds.toFixed(0)} s`,
      result: `${rate(r.perSecond, "sign-ins/s")}${argon ? ` = ${ratio.toFixed(2)} × argon2id limit` : ""}`,
      p50: ms(r.p50),
      p99: ms(r.p99),
      errors: errorsOf(r),
      target: `≥ ${TARGETS.ratioToArgon.toFixed(2)} × limit`,
      verdict: argon ? verdict(ratio >= TARGETS.ratioToArgon) : "",
    });
  }
  if (argon) {
    rows.push({
      row: "2",
      what: `argon2id verify, ${argon.cores} at once (m=${argon.params.memoryCost} KiB, t=${argon.params.timeCost}, p=${argon.params.parallelism}): the limit${argon.runs?.length > 1 ? ` (the better of ${argon.runs.map((v) => v.toFixed(1)).join(" and ")}/s, before and after the sign-in rows)` : ""}`,
      result: `${rate(argon.perSecond, "verifies/s")}, ${ms(argon.cpuMsPerVerify)} CPU each`,
    });
  }
  for (const r of login ?? []) {
    rows.push({
      row: "3",
      what: `CPU per full sign-in, concurrency ${r.concurrency} (${r.count} sign-ins)`,
      result: cpuPair(r.cpu),
    });
  }
  for (const r of login ?? []) {
    rows.push({
      row: "3",
      what: `Load generator CPU per 100 sign-ins/s, concurrency ${r.concurrency}`,
      result: `${r.cpu.generatorPctPer100.toFixed(1)} % of one core`,
      target: `≤ ${TARGETS.generatorPctPer100} %`,
      verdict: verdict(r.cpu.generatorPctPer100 <= TARGETS.generatorPctPer100),
    });
  }
  if (results.generator) {
    const { paced, flat } = results.generator;
    const pacedPct = (paced.cpu.generatorMs / paced.cpu.wallMs) * 100 * (100 / paced.perSecond);
    rows.push({
      row: "3",
      what: `Load generator alone, ${paced.target} sign-ins/s paced against a stub replaying a real sign-in (${rate(paced.perSecond, "/s")} achieved, ${ms(paced.cpu.generatorMsPer)} per sign-in)`,
      result: `${pacedPct.toFixed(1)} % of one core per 100 sign-ins/s`,
      target: `≤ ${TARGETS.generatorPctPer100} %`,
      verdict: verdict(pacedPct <= TARGETS.generatorPctPer100),
    });
    rows.push({
      row: "3",
      what: `Load generator alone, flat out against the stub, concurrency 16 (${rate(flat.perSecond, "sign-ins/s")})`,
      result: `${ms(flat.cpu.generatorMsPer)} per sign-in = ${flat.cpu.generatorPctPer100.toFixed(1)} % per 100 sign-ins/s`,
    });
  }
  if (argon) {
    for (const r of login ?? []) {
      const rest = r.cpu.serverMsPer - argon.cpuMsPerVerify;
      const share = rest / argon.cpuMsPerVerify;
      rows.push({
        row: "3",
        what: `Server CPU per full sign-in, hash excluded, concurrency ${r.concurrency} (${ms(r.cpu.serverMsPer)} − one verify ${ms(argon.cpuMsPerVerify)})`,
        result: `${ms(rest)} = ${pct(share)} of one hash`,
        target: `≤ ${TARGETS.hashExcludedShare * 100} %`,
        verdict: verdict(share <= TARGETS.hashExcludedShare),
      });
    }
  }
  if (totp) {
    const ok = totp.perSecond >= TARGETS.totpRate && totp.p99 <= TARGETS.totpP99;
    rows.push({
      row: "4",
      what: `TOTP step alone (POST /login/verify), concurrency ${results.settings.totpConcurrency}, ${totp.count} sign-ins in ${totp.seconds.toFixed(1)} s`,
      result: rate(totp.perSecond, "verifications/s"),
      p50: ms(totp.p50),
      p99: ms(totp.p99),
      errors: errorsOf(totp),
      target: `≥ ${TARGETS.totpRate.toLocaleString("en")}/s, p99 ≤ ${TARGETS.totpP99} ms`,
      verdict: verdict(ok),
    });
    rows.push({
      row: "4",
      what: "CPU per TOTP verification",
      result: cpuPair(totp.cpu),
    });
  }
  for (const r of login ?? []) {
    rows.push({
      row: "5",
      what: `/healthz during full sign-in at concurrency ${r.concurrency} (${r.healthz.samples} probes)`,
      result: `max ${ms(r.healthz.max)}`,
      p50: ms(r.healthz.p50),
      p99: ms(r.healthz.p99),
      errors: `${r.healthz.failures}`,
      target: `p99 ≤ ${TARGETS.healthzP99} ms`,
      verdict: verdict(r.healthz.p99 <= TARGETS.healthzP99),
    });
  }
  if (results.oidc) oidcRows(results, rows);
  if (overload) overloadRows(results, rows);
  if (soak) {
    rows.push({
      row: "6",
      what: `Soak: ${soak.seconds.toFixed(0)} s of full sign-ins at concurrency 16 (${soak.count} sign-ins)`,
      result: `RSS ${mib(soak.rssStartMiB)} → ${mib(soak.rssEndMiB)} (${soak.growthPct >= 0 ? "+" : ""}${soak.growthPct.toFixed(1)} %)`,
      p50: ms(soak.p50),
      p99: ms(soak.p99),
      errors: errorsOf(soak),
      target: `growth ≤ ${TARGETS.soakGrowthPct} %`,
      verdict: verdict(soak.growthPct <= TARGETS.soakGrowthPct),
    });
  }
  if (scale) scaleRows(scale, rows);

  if (argon?.runs?.length > 1 || login?.some((r) => argon && r.perSecond > argon.perSecond)) {
    const [a, b] = argon.runs ?? [argon.perSecond, argon.perSecond];
    const moved = Math.abs(a - b) / Math.max(a, b) > 0.15;
    const above = login?.some((r) => r.perSecond > argon.perSecond);
    if (moved || above) {
      notes.push(
        `The argon2id limit is not trustworthy in this run (${[a, b].map((v) => v.toFixed(1)).join(" vs ")} verifies/s${above ? "; a sign-in rate above it" : ""}): other work on the machine changed while it was measured, so row 1's ratios are indicative only.`,
      );
    }
  }
  const all = [
    ...(login ?? []),
    results.generator?.paced,
    results.generator?.flat,
    totp,
    overload,
    soak,
    scale?.small,
    scale?.large,
  ].filter(Boolean);
  const starved = all.reduce((n, r) => n + r.starved, 0);
  if (starved) {
    notes.push(`The load generator waited ${starved} times for a user with an unspent TOTP step.`);
  }
  for (const r of all) {
    for (const [detail, n] of r.errorSamples) notes.push(`Error: ${detail} (${n}×)`);
  }
  const busy = [
    ...(login ?? []).map((r) => [`sign-in at concurrency ${r.concurrency}`, r.cpu]),
    ["TOTP step alone", totp?.cpu],
    ["overload", overload?.cpu],
  ].filter(([, cpu]) => cpu);
  if (busy.length) {
    notes.push(
      `Other processes on the machine (not the server, the generator, the prober${results.store?.startsWith("PostgreSQL") ? ", the PostgreSQL backends" : ""}) used on average ${busy
        .map(([what, cpu]) => `${noise(cpu).toFixed(2)} cores during ${what}`)
        .join(", ")} — the noise behind these figures.`,
    );
  }
  if (profiles && Object.keys(profiles).length) {
    extra.push(
      "Server main thread by part over each measured window (BENCH_CPU_PROF=1: inspector profile, split by bench/lib/profile-split.js; self time, native frames counted for their caller; argon2id runs on libuv's pool and is not in it). The profile samples wall time, so a busy machine inflates its milliseconds; the per-sign-in column spreads the main thread's measured CPU (/proc) by the shares. The profiler slows the server a little: the CPU rows of a profiled run read high.",
      "",
    );
    for (const [label, split] of Object.entries(profiles)) {
      extra.push(
        `${label} (${split.count} completed in the window, main thread ${ms(split.mainMs / split.count)} CPU per sign-in; ${split.file}):`,
        "",
        ...splitTable(split, split.count, split.mainMs),
        "",
      );
    }
  }
  return { rows, notes, extra };
}
