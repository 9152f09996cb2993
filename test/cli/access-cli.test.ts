// `vestibule access set|list|remove`: forward-auth rules per host, through the same core
// as any other caller, audited; bad arguments are one line on stderr, exit 2, nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "../support/cli.js";
import { startVestibule, TEST_SECRET_KEY, type Vestibule } from "../support/harness.js";

let t: Vestibule;
const savedEnv = { ...process.env };

beforeAll(async () => {
  t = await startVestibule();
  process.env.DATABASE_URL = t.system.config.databaseUrl;
  process.env.SECRET_KEY = TEST_SECRET_KEY;
  process.env.NODE_ENV = "test";
});
afterAll(async () => {
  process.env = { ...savedEnv };
  await t.close();
});

const cli = (...argv: string[]): Promise<CliResult> => runCli(argv);

const rules = () => t.system.stores.access.list();

describe("vestibule access", () => {
  it("set prints the rule as one JSON line; set again replaces it; list shows every rule", async () => {
    const set = await cli(
      "access",
      "set",
      "Payroll.Example.org",
      "--roles",
      "administrator,supervisor",
    );
    expect(set).toMatchObject({ code: 0, err: "" });
    expect(JSON.parse(set.out)).toEqual({
      host: "payroll.example.org",
      roles: ["supervisor", "administrator"],
    });
    await cli("access", "set", "wiki.example.org", "--roles", "user");
    const again = await cli("access", "set", "payroll.example.org", "--roles", "administrator");
    expect(again.code).toBe(0);
    const list = await cli("access", "list");
    expect(list.code).toBe(0);
    const lines = list.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { host: "payroll.example.org", roles: ["administrator"], updated_at: expect.any(String) },
      { host: "wiki.example.org", roles: ["user"], updated_at: expect.any(String) },
    ]);
    const events = await t.system.stores.audit.list({ type: "access_rule_changed", limit: 10 });
    expect(events[0]).toMatchObject({
      actorId: null,
      detail: {
        host: "payroll.example.org",
        roles: { from: ["supervisor", "administrator"], to: ["administrator"] },
        via: "cli",
      },
    });
  });

  it("remove deletes the rule (any signed-in user with a second factor passes again)", async () => {
    await cli("access", "set", "gone.example.org", "--roles", "supervisor");
    const removed = await cli("access", "remove", "gone.example.org");
    expect(removed.code).toBe(0);
    expect(removed.out).toContain("removed the rule for gone.example.org");
    expect((await rules()).map((r) => r.host)).not.toContain("gone.example.org");
    const missing = await cli("access", "remove", "gone.example.org");
    expect(missing).toMatchObject({ code: 2, out: "" });
    expect(missing.err).toBe('vestibule: no rule for "gone.example.org"\n');
  });

  it.each([
    [["access", "set", "wiki.example.org"], /--roles takes a comma list/],
    [["access", "set", "wiki.example.org", "--roles", ""], /--roles takes a comma list/],
    [["access", "set", "wiki.example.org", "--roles", "root"], /--roles takes a comma list/],
    [["access", "set", "https://wiki.example.org/", "--roles", "user"], /is not a host name/],
    [["access", "set", "wiki.example.org:8443", "--roles", "user"], /is not a host name/],
    [["access", "set", "*.example.org", "--roles", "user"], /is not a host name/],
    [["access", "set", "--roles", "user"], /access set takes one HOST/],
    [["access", "set", "a.example.org", "b.example.org", "--roles", "user"], /takes one HOST/],
    [["access", "set", "a.example.org", "--role", "user"], /Unknown option/],
    [["access", "list", "extra"], /access list takes no arguments/],
    [["access", "remove"], /access remove takes one HOST/],
    [["access", "remove", "a.example.org", "--roles", "user"], /takes no --roles/],
    [["access", "grant"], /unknown command/],
  ])("%j: one line, exit 2, nothing written", async (argv, message) => {
    const before = JSON.stringify(await rules());
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")[0]).toMatch(/^vestibule: /);
    expect(JSON.stringify(await rules())).toBe(before);
  });
});
