// Help, version and refused flags, in-process: nothing is opened for them, every command
// has its own help, and a flag a command does not take is one line and exit 2.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "../../test/support/cli.js";
import { COMMANDS } from "./commands.js";

let dir: string;
const savedEnv = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vestibule-help-"));
  // A command that opened the database would create this directory.
  process.env.DATABASE_URL = `sqlite:${join(dir, "missing", "deeper", "vestibule.db")}`;
  process.env.SECRET_KEY = "help-test-secret-key-0123456789abcdefghijkl";
  process.env.NODE_ENV = "test";
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]): Promise<CliResult> => runCli(args);

describe("help", () => {
  it.each([["--help"], ["-h"], ["help"]])("%s lists every command, exit 0", async (flag) => {
    const r = await cli([flag]);
    expect(r).toMatchObject({ code: 0, err: "" });
    for (const c of COMMANDS) expect(r.out).toContain(`vestibule ${c.name}`);
  });

  it.each(COMMANDS.filter((c) => c.name !== "help").map((c) => [c.name]))(
    "vestibule %s --help: its own usage, exit 0, nothing opened",
    async (name) => {
      const words = name.split(" ");
      for (const args of [
        [...words, "--help"],
        [...words, "-h"],
        ["help", ...words],
      ]) {
        const r = await cli(args);
        expect(r, args.join(" ")).toMatchObject({ code: 0, err: "" });
        expect(r.out).toMatch(new RegExp(`^usage: vestibule ${name}\\b`));
      }
      expect(existsSync(join(dir, "missing"))).toBe(false);
    },
  );

  it("help after arguments still helps (user add alice --role user --help)", async () => {
    const r = await cli(["user", "add", "alice", "--role", "user", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("usage: vestibule user add USERNAME --role");
    expect(r.out).toContain("--must-change-password");
  });

  it("a group's help lists its commands (vestibule user --help)", async () => {
    const r = await cli(["user", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("vestibule user add");
    expect(r.out).toContain("vestibule user force-new-password");
    expect(r.out).not.toContain("vestibule methods");
  });

  it("help for something that is not a command: exit 2, one line", async () => {
    const r = await cli(["help", "frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vestibule: no command "frobnicate"[^\n]*\n$/);
  });

  it("--version and version print the version, exit 0", async () => {
    for (const args of [["--version"], ["version"]]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^vestibule \d+\.\d+\.\d+\n$/);
    }
  });
});

describe("flags a command does not take", () => {
  it.each([
    [["serve", "--port", "4000"], "serve: unknown option --port"],
    [["migrate", "--yes"], "migrate: unknown option --yes"],
    [["migrate", "now"], 'migrate takes no arguments (got "now")'],
    [["user", "list", "--all"], "user list: unknown option --all"],
    [
      ["user", "add", "bob", "--role", "user", "--pasword", "x"],
      "user add: unknown option --pasword",
    ],
    [["user", "add", "bob", "--role"], "user add: --role needs a value"],
    [
      ["user", "force-new-password", "--force", "bob"],
      "user force-new-password: unknown option --force",
    ],
    [["methods", "show", "--json"], "methods show: unknown option --json"],
    [["methods", "set", "--all"], "methods set: unknown option --all"],
    [["audit", "--since", "1h", "--json"], "audit: unknown option --json"],
    [
      ["client", "add", "A", "--redirect-uri", "https://a.example/cb", "--x"],
      "client add: unknown option --x",
    ],
  ])("%j → one line, exit 2", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vestibule: [^\n]+\n$/);
    expect(r.err).toContain(message);
    expect(r.out).toBe("");
  });
});
