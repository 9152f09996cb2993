// The CLI's supervision commands run the same core as the web: `user force-new-password`
// and `audit [--user U] [--since 1h]` (JSON lines).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAuditArgs } from "../../src/cli/audit.js";
import type { User } from "../../src/core/ports/users.js";
import { type CliResult, runCli } from "../support/cli.js";
import { startVestibule, TEST_SECRET_KEY, type Vestibule } from "../support/harness.js";

let t: Vestibule;
let bob: User;

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"] });
  bob = await t.addUser("bob");
  await t.enrolApp(bob);
  process.env.DATABASE_URL = t.system.config.databaseUrl;
  process.env.SECRET_KEY = TEST_SECRET_KEY;
  process.env.NODE_ENV = "test";
});
afterAll(async () => {
  await t.close();
});

const cli = (...argv: string[]): Promise<CliResult> => runCli(argv);

describe("vestibule user force-new-password", () => {
  it("does what the button does: app cleared, must change, sessions ended, audited as the CLI", async () => {
    await t.system.stores.sessions.create({
      idHash: "h".repeat(64),
      userId: bob.id,
      createdAt: t.clock.now(),
      expiresAt: t.clock.now() + 3_600_000,
      authTime: t.clock.now(),
      amr: ["pwd"],
    });
    for (let i = 0; i < 10; i++) await t.system.limits.secondFactor.consume(bob.id);
    const r = await cli("user", "force-new-password", "BOB");
    expect(r.code).toBe(0);
    expect(r.out).toContain("bob must choose a new password");
    expect(await t.system.stores.authenticators.get(bob.id)).toBeUndefined();
    expect((await t.system.stores.users.findById(bob.id))?.mustChangePassword).toBe(true);
    expect(await t.system.stores.sessions.find("h".repeat(64), t.clock.now())).toBeUndefined();
    expect((await t.system.limits.secondFactor.check(bob.id)).allowed).toBe(true);
    const [event] = await t.system.stores.audit.list({ type: "force_new_password", limit: 1 });
    expect(event).toMatchObject({ userId: bob.id, actorId: null, detail: { via: "cli" } });
  });

  it("refuses an unknown user with exit code 2", async () => {
    const r = await cli("user", "force-new-password", "nobody");
    expect(r.code).toBe(2);
    expect(r.err).toContain('no user "nobody"');
  });
});

describe("vestibule audit", () => {
  it("prints JSON lines, newest first, filtered by user and time", async () => {
    const now = Date.now();
    await t.system.stores.audit.append({ type: "signin_ok", at: now - 7_200_000, userId: bob.id });
    await t.system.stores.audit.append({ type: "signin_failed", at: now - 60_000, userId: bob.id });
    await t.system.stores.audit.append({ type: "signin_ok", at: now - 30_000, userId: "someone" });
    const r = await cli("audit", "--user", "bob", "--since", "1h");
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    // The CLI's own Force New Password above ran by the real clock, so it is within the hour.
    expect(lines.map((l) => l.type)).toEqual(["signin_failed", "force_new_password"]);
    expect(lines[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const all = (await cli("audit")).out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.map((l) => l.id)).toEqual([...all.map((l) => l.id)].sort((a, b) => b - a));
  });

  it("refuses bad arguments without a stack trace", async () => {
    expect(() => parseAuditArgs(["--since", "soon"])).toThrow(/duration/);
    const r = await cli("audit", "--since", "soon");
    expect(r.code).toBe(2);
    expect(r.err).not.toContain("    at ");
    expect((await cli("audit", "--user", "ghost")).code).toBe(2);
  });
});
