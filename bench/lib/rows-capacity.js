import { mib, ms, rate, verdict } from "./report.js";
import { TARGETS } from "./targets.js";

// Rows 6 and 7: overload (503s, goodput, memory) and the 1,000 vs 1,000,000 users run;
// row 8: the OpenID Connect sign-in beside the plain one (issue 10).

export function overloadRows(results, rows) {
  const { overload, login } = results;
  const at = overload.busyAt.map(([what, n]) => `${n} at ${what}`).join(", ");
  const retryAfter =
    overload.busy === 0
      ? "–"
      : overload.busyRetryAfter === overload.busy
        ? "all with Retry-After"
        : `${overload.busyRetryAfter} of ${overload.busy} with Retry-After`;
  rows.push({
    row: "6",
    what: `Overload: ${results.settings.overloadConcurrency} concurrent sign-ins, ${overload.seconds.toFixed(0)} s, a client turned away ${results.settings.overloadRetry === "immediate" ? "tries again at once" : "tries again after Retry-After"} — answered 503 (busy), latency of the request that got it`,
    result: `${overload.busy} × 503 (${at || "none"}); ${retryAfter}`,
    p50: ms(overload.busyP50),
    p99: ms(overload.busyP99),
    errors: `${overload.errors}${overload.codeRefused ? `, ${overload.codeRefused} codes refused` : ""}`,
    target: "503s fast, no errors",
    verdict: verdict(overload.errors === 0 && overload.busy > 0),
  });
  const base = login?.find((r) => r.concurrency === 16) ?? login?.[0];
  // What turning one sign-in away cost the server's main thread: its CPU over the window
  // less the sign-ins' share (row 3's main-thread figure at concurrency 16), per 503. Read
  // from /proc, so it holds while other work on the machine bends the rates.
  const mainPer = base?.cpu?.serverMainMsPer;
  if (
    overload.busy > 0 &&
    Number.isFinite(mainPer) &&
    Number.isFinite(overload.cpu?.serverMainMs)
  ) {
    const refusals = overload.cpu.serverMainMs - mainPer * overload.count;
    rows.push({
      row: "6",
      what: `Server main-thread CPU per sign-in turned away (${ms(overload.cpu.serverMainMs)} in the window − ${overload.count} sign-ins × ${ms(mainPer)}, ÷ ${overload.busy} × 503)`,
      result: ms(Math.max(0, refusals) / overload.busy),
      target: "almost nothing",
    });
  }
  const ratio = base ? overload.perSecond / base.perSecond : Number.NaN;
  rows.push({
    row: "6",
    what: `Overload goodput: full sign-ins completed inside the ${overload.seconds.toFixed(0)} s window (${overload.okInWindow}; ${overload.count} in all)${base ? `, vs concurrency ${base.concurrency} (${rate(base.perSecond, "/s")})` : ""}`,
    result: `${rate(overload.perSecond, "sign-ins/s")}${base ? ` = ${ratio.toFixed(2)} ×` : ""}`,
    p50: ms(overload.p50),
    p99: ms(overload.p99),
    target: `≥ ${TARGETS.goodputRatio.toFixed(2)} ×`,
    verdict: base ? verdict(ratio >= TARGETS.goodputRatio) : "",
  });
  rows.push({
    row: "6",
    what: "Server RSS: idle → max during overload (peak VmHWM)",
    result: `${mib(results.rssIdle?.rssMiB)} → ${mib(overload.rssMaxMiB)} (${mib(overload.peakMiB)})`,
    target: "bounded",
  });
}

export function scaleRows(scale, rows) {
  for (const [label, r] of [
    ["1,000 users", scale.small],
    [`${scale.users.toLocaleString("en")} users`, scale.large],
  ]) {
    rows.push({
      row: "7",
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
    row: "7",
    what: `p99 ratio, ${scale.users.toLocaleString("en")} ÷ 1,000 users (bulk insert took ${scale.insertSeconds.toFixed(0)} s)`,
    result: ratio.toFixed(2),
    target: `≤ ${TARGETS.scaleP99Ratio} (flat)`,
    verdict: verdict(ratio <= TARGETS.scaleP99Ratio),
  });
}

/**
 * (8) Issue 10: full OpenID Connect sign-ins (authorize → Login → Confirm → token request)
 * beside the plain sign-in at the same concurrency, with the ratio of the rates and what
 * the provider adds to the server's CPU per sign-in (the target: at most a fifth).
 */
export function oidcRows(results, rows) {
  const { oidc, login } = results;
  const plain = login?.find((r) => r.concurrency === oidc.concurrency);
  const ratio = plain ? oidc.perSecond / plain.perSecond : Number.NaN;
  rows.push({
    row: "8",
    what: `Full OpenID Connect sign-in (authorize → Login → Confirm → token), concurrency ${oidc.concurrency}, ${oidc.seconds.toFixed(0)} s${plain ? `, vs plain sign-in (${rate(plain.perSecond, "/s")})` : ""}`,
    result: `${rate(oidc.perSecond, "sign-ins/s")}${plain ? ` = ${ratio.toFixed(2)} × plain` : ""}`,
    p50: ms(oidc.p50),
    p99: ms(oidc.p99),
    errors: `${oidc.errors}${oidc.busy ? `, ${oidc.busy} busy` : ""}`,
  });
  const extra = plain ? oidc.cpu.serverMsPer / plain.cpu.serverMsPer - 1 : Number.NaN;
  rows.push({
    row: "8",
    what: "Server CPU per sign-in: OpenID Connect vs plain (the provider's share)",
    result: plain
      ? `${ms(oidc.cpu.serverMsPer)} vs ${ms(plain.cpu.serverMsPer)} = +${(extra * 100).toFixed(1)} %`
      : ms(oidc.cpu.serverMsPer),
    target: `≤ +${(TARGETS.oidcExtraShare * 100).toFixed(0)} %`,
    verdict: plain ? verdict(extra <= TARGETS.oidcExtraShare) : "",
  });
}
