import { mib, ms, rate, verdict } from "./report.js";

const errorsOf = (r) =>
  [
    `${r.errors}`,
    r.busy ? `${r.busy} busy (503)` : "",
    r.codeRefused ? `${r.codeRefused} codes refused` : "",
  ]
    .filter(Boolean)
    .join(", ");

/** The results of one run as table rows and notes. */
export function buildRows(results) {
  const rows = [];
  const notes = [];
  const { argon, login, totp, overload, soak, scale } = results;

  for (const r of login ?? []) {
    rows.push({
      row: "1",
      what: `Full sign-in, concurrency ${r.concurrency}, ${r.seconds.toFixed(0)} s`,
      result: rate(r.perSecond, "sign-ins/s"),
      p50: ms(r.p50),
      p99: ms(r.p99),
      errors: errorsOf(r),
    });
  }
  if (argon) {
    rows.push({
      row: "2",
      what: `argon2id verify, ${argon.cores} at once (m=${argon.params.memoryCost} KiB, t=${argon.params.timeCost}, p=${argon.params.parallelism})`,
      result: rate(argon.perSecond, "verifies/s"),
    });
  }
  if (argon && login?.length) {
    const best = Math.max(...login.map((r) => r.perSecond));
    const ratio = best / argon.perSecond;
    rows.push({
      row: "2",
      what: "Best full sign-ins/s ÷ argon2id limit",
      result: ratio.toFixed(2),
      target: "≥ 0.90",
      verdict: verdict(ratio >= 0.9),
    });
  }
  if (totp) {
    rows.push({
      row: "3",
      what: `TOTP step alone (POST /login/verify), concurrency ${results.settings.totpConcurrency}, ${totp.count} sign-ins in ${totp.seconds.toFixed(1)} s`,
      result: rate(totp.perSecond, "verifications/s"),
      p50: ms(totp.p50),
      p99: ms(totp.p99),
      errors: errorsOf(totp),
      target: "≥ 5,000/s",
      verdict: verdict(totp.perSecond >= 5000),
    });
  }
  for (const r of login ?? []) {
    rows.push({
      row: "4",
      what: `/healthz during full sign-in at concurrency ${r.concurrency} (${r.healthz.samples} probes)`,
      result: `max ${ms(r.healthz.max)}`,
      p50: ms(r.healthz.p50),
      p99: ms(r.healthz.p99),
      errors: `${r.healthz.failures}`,
      target: "p99 ≤ 20 ms",
      verdict: verdict(r.healthz.p99 <= 20),
    });
  }
  if (overload) {
    rows.push({
      row: "5",
      what: `Overload: ${results.settings.overloadConcurrency} concurrent sign-ins, ${overload.seconds.toFixed(0)} s — answered 503 (busy)`,
      result: `${overload.busy} × 503, ${overload.count} signed in`,
      p50: ms(overload.busyP50),
      p99: ms(overload.busyP99),
      errors: `${overload.errors}${overload.codeRefused ? `, ${overload.codeRefused} codes refused` : ""}`,
      target: "503s fast, no errors",
      verdict: verdict(overload.errors === 0 && overload.busy > 0),
    });
    rows.push({
      row: "5",
      what: "Server RSS: idle → max during overload (peak VmHWM)",
      result: `${mib(results.rssIdle?.rssMiB)} → ${mib(overload.rssMaxMiB)} (${mib(overload.peakMiB)})`,
      target: "bounded",
    });
  }
  if (soak) {
    rows.push({
      row: "5",
      what: `Soak: ${soak.seconds.toFixed(0)} s of full sign-ins at concurrency 16 (${soak.count} sign-ins)`,
      result: `RSS ${mib(soak.rssStartMiB)} → ${mib(soak.rssEndMiB)} (${soak.growthPct >= 0 ? "+" : ""}${soak.growthPct.toFixed(1)} %)`,
      p50: ms(soak.p50),
      p99: ms(soak.p99),
      errors: errorsOf(soak),
      target: "growth ≤ 10 %",
      verdict: verdict(soak.growthPct <= 10),
    });
  }
  if (scale) {
    for (const [label, r] of [
      ["1,000 users", scale.small],
      [`${scale.users.toLocaleString("en")} users`, scale.large],
    ]) {
      rows.push({
        row: "6",
        what: `Full sign-in with ${label}, concurrency 16`,
        result: rate(r.perSecond, "sign-ins/s"),
        p50: ms(r.p50),
        p99: ms(r.p99),
        errors: errorsOf(r),
        target: "p99 flat",
      });
    }
    const ratio = scale.large.p99 / scale.small.p99;
    rows.push({
      row: "6",
      what: `p99 ratio, ${scale.users.toLocaleString("en")} ÷ 1,000 users (bulk insert took ${scale.insertSeconds.toFixed(0)} s)`,
      result: ratio.toFixed(2),
      target: "≤ 1.2 (flat)",
      verdict: verdict(ratio <= 1.2),
    });
  }

  const all = [...(login ?? []), totp, overload, soak, scale?.small, scale?.large].filter(Boolean);
  const starved = all.reduce((n, r) => n + r.starved, 0);
  if (starved) {
    notes.push(`The load generator waited ${starved} times for a user with an unspent TOTP step.`);
  }
  for (const r of all) {
    for (const [detail, n] of r.errorSamples) notes.push(`Error: ${detail} (${n}×)`);
  }
  return { rows, notes };
}
