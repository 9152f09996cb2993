import { ms, rate, verdict } from "./report.js";
import { cpuPair, errorsOf, noise } from "./rows.js";
import { TARGETS } from "./targets.js";

/** The rows of `npm run bench:peer`: each figure for both products, then the ratio. */
export function peerRows(results) {
  const { argon, scrypt, login, verify } = results;
  const rows = [];
  const notes = [];
  const both = (row, what, v, p, unit, target) => {
    for (const [name, r] of [
      ["Vestibule", v],
      ["better-auth", p],
    ]) {
      rows.push({
        row,
        what: `${name}: ${what}`,
        result: rate(r.perSecond, unit),
        p50: ms(r.p50),
        p99: ms(r.p99),
        errors: errorsOf(r),
      });
    }
    const ratio = p.perSecond > 0 ? v.perSecond / p.perSecond : Number.NaN;
    rows.push({
      row,
      what: `Vestibule ÷ better-auth, ${what}`,
      result: Number.isFinite(ratio) ? `${ratio.toFixed(1)} ×` : "– (none finished in the window)",
      target: target ? `≥ ${target} ×` : "",
      verdict: target && Number.isFinite(ratio) ? verdict(ratio >= target) : "",
    });
  };
  for (const r of login) {
    both(
      "1",
      `full sign-in, concurrency ${r.concurrency}`,
      r.vestibule,
      r.peer,
      "sign-ins/s",
      TARGETS.peerRatio,
    );
  }
  for (const r of login) {
    rows.push({
      row: "2",
      what: `CPU per full sign-in, concurrency ${r.concurrency}: Vestibule`,
      result: cpuPair(r.vestibule.cpu),
    });
    rows.push({
      row: "2",
      what: `CPU per full sign-in, concurrency ${r.concurrency}: better-auth`,
      result: cpuPair(r.peer.cpu),
    });
  }
  rows.push({
    row: "3",
    what: `Vestibule's password hash: argon2id m=${argon.params.memoryCost} KiB, t=${argon.params.timeCost}, p=${argon.params.parallelism}, ${argon.cores} at once`,
    result: `${rate(argon.perSecond, "verifies/s")}, ${ms(argon.cpuMsPerVerify)} CPU each`,
  });
  rows.push({
    row: "3",
    what: `better-auth's password hash: scrypt N=${scrypt.params.N}, r=${scrypt.params.r}, p=${scrypt.params.p}, ${scrypt.params.dkLen}-byte key (${scrypt.params.memoryMiB} MiB), ${scrypt.cores} at once`,
    result: `${rate(scrypt.perSecond, "verifies/s")}, ${ms(scrypt.cpuMsPerVerify)} CPU each`,
  });
  rows.push({
    row: "3",
    what: "Ratio of the two hash limits (argon2id ÷ scrypt verifies/s)",
    result: `${(argon.perSecond / scrypt.perSecond).toFixed(1)} ×`,
  });
  for (const r of login) {
    for (const [name, x, limit] of [
      ["Vestibule", r.vestibule, argon.perSecond],
      ["better-auth", r.peer, scrypt.perSecond],
    ]) {
      rows.push({
        row: "3",
        what: `${name}: full sign-in at concurrency ${r.concurrency} ÷ its own hash limit`,
        result: (x.perSecond / limit).toFixed(2),
      });
    }
  }
  if (verify) {
    both(
      "4",
      `verify step alone (TOTP), concurrency ${results.settings.totpConcurrency}`,
      verify.vestibule,
      verify.peer,
      "verifications/s",
    );
    rows.push({
      row: "4",
      what: "CPU per verification: Vestibule",
      result: cpuPair(verify.vestibule.cpu),
    });
    rows.push({
      row: "4",
      what: "CPU per verification: better-auth",
      result: cpuPair(verify.peer.cpu),
    });
  }

  notes.push(
    `Both servers run at once on the same 2 cores (each idle while the other is measured), on fresh SQLite files, each seeded with ${results.users} users with TOTP on; the same load generator, concurrency, warm-up (${results.settings.warmupSeconds} s) and length (${results.settings.seconds} s) for both, alternating Vestibule then better-auth at each concurrency.`,
    "better-auth's rate limiter is off for the load (`rateLimit: { enabled: false }`): its default (on in production) allows 3 sign-ins per 10 s per address on /sign-in/email, and every simulated person comes from 127.0.0.1. Vestibule's per-address password limit is raised for the same reason (bench/lib/server.js); its other limits stay on. Telemetry is off in better-auth (its default).",
    "A Vestibule sign-in is four requests (GET /login, POST /login, GET /login/verify, POST /login/verify: the pages are the server's), a better-auth sign-in two JSON requests (POST /api/auth/sign-in/email, POST /api/auth/two-factor/verify-totp: pages are the app's business).",
    `Hashes are each product's default, not changed: Vestibule argon2id (OWASP minimum), better-auth scrypt through node:crypto with the parameters above. One scrypt verify costs ${(scrypt.cpuMsPerVerify / argon.cpuMsPerVerify).toFixed(1)} × the CPU of one argon2id verify here, so most of the full-sign-in ratio is the choice of hash; the verify-step ratio has no hash in it.`,
    `SQLite: Vestibule opens its file in WAL mode with synchronous=NORMAL (its default); better-auth gets \`new Database(file)\` as its documentation shows (rollback journal${process.env.BENCH_PEER_WAL === "1" ? "; this run: BENCH_PEER_WAL=1 put it in WAL mode" : "; BENCH_PEER_WAL=1 puts it in WAL mode, which speeds up its SQLite statements markedly"}).`,
    "Pending sign-ins for the verify step are prepared untimed in both: Vestibule's with its store's flows.create, better-auth's as its two-factor sign-in hook writes them (verification values and the signed two_factor cookie, bench/peer/server.js).",
  );
  const phases = [
    ...login.flatMap((r) => [
      [`Vestibule at ${r.concurrency}`, r.vestibule],
      [`better-auth at ${r.concurrency}`, r.peer],
    ]),
    ["Vestibule's verify step", verify?.vestibule],
    ["better-auth's verify step", verify?.peer],
  ].filter(([, r]) => r);
  notes.push(
    `Other processes on the machine used on average ${phases
      .map(([what, r]) => `${noise(r.cpu).toFixed(2)} cores during ${what}`)
      .join(", ")} — the noise behind these figures.`,
  );
  const all = [...login.flatMap((r) => [r.vestibule, r.peer]), verify?.vestibule, verify?.peer];
  for (const r of all.filter(Boolean)) {
    for (const [detail, n] of r.errorSamples) notes.push(`Error: ${detail} (${n}×)`);
  }
  return { rows, notes };
}
