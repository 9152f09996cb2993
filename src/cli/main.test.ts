// The vestibule CLI, in-process: run([...]) with DATABASE_URL on a temp SQLite file and
// process.stdin replaced by the piped password.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../store/open.js";
import { run } from "./main.js";

const PASSWORD = "violet staple orbit lantern";
let dir: string;
let dbUrl: string;
const savedEnv = { ...process.env };
const realStdin = Object.getOwnPropertyDescriptor(process, "stdin")!;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vestibule-cli-"));
  dbUrl = `sqlite:${join(dir, "vestibule.db")}`;
  process.env.DATABASE_URL = dbUrl;
  process.env.SECRET_KEY = "cli-test-secret-key-0123456789abcdefghijkl";
  process.env.NODE_ENV = "test";
});
afterEach(() => {
  process.env = { ...savedEnv };
  Object.defineProperty(process, "stdin", realStdin);
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], stdin = "") {
  Object.defineProperty(process, "stdin", {
    configurable: true,
    value: Object.assign(Readable.from([Buffer.from(stdin)]), { isTTY: false }),
  });
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await run(args);
    return { code: process.exitCode ?? 0, out, err };
  } finally {
    process.exitCode = undefined;
    o.mockRestore();
    e.mockRestore();
  }
}

async function rows() {
  const opened = openDatabase(dbUrl);
  try {
    const users = await opened.db
      .selectFrom("users")
      .selectAll()
      .execute()
      .catch(() => []);
    const settings = await opened.db
      .selectFrom("settings")
      .selectAll()
      .execute()
      .catch(() => []);
    return { users, settings };
  } finally {
    await opened.close();
  }
}

describe("vestibule user add", () => {
  it("adds a user with the password from stdin, hashed, never echoed", async () => {
    const res = await cli(
      [
        "user",
        "add",
        "Alice",
        "--role",
        "supervisor",
        "--email",
        "alice@example.org",
        "--phone",
        "+61 412 345 678",
        "--must-change-password",
      ],
      `${PASSWORD}\n`,
    );
    expect(res).toMatchObject({ code: 0 });
    expect(res.out).toContain("added alice (supervisor)");
    expect(res.out + res.err).not.toContain(PASSWORD);
    const { users } = await rows();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      username: "alice",
      role: "supervisor",
      email: "alice@example.org",
      phone: "+61412345678",
      must_change_password: 1,
      active: 1,
    });
    expect(users[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it.each([
    ["bad role", ["user", "add", "bob", "--role", "root"]],
    ["missing role", ["user", "add", "bob"]],
    ["no username", ["user", "add", "--role", "user"]],
    ["two usernames", ["user", "add", "bob", "carl", "--role", "user"]],
    ["bad username", ["user", "add", "bo b", "--role", "user"]],
    ["unknown flag", ["user", "add", "bob", "--role", "user", "--password", "x"]],
    ["bad email", ["user", "add", "bob", "--role", "user", "--email", "nope"]],
    ["bad phone", ["user", "add", "bob", "--role", "user", "--phone", "12"]],
  ])("%s → one line on stderr, exit 2, nothing written", async (_label, args) => {
    const res = await cli(args, `${PASSWORD}\n`);
    expect(res.code).toBe(2);
    expect(res.err.trim().split("\n")[0]).toMatch(/^vestibule: /);
    expect(res.out).toBe("");
    expect((await rows()).users).toHaveLength(0);
  });

  it("a weak password is refused with exit 2, nothing written", async () => {
    const res = await cli(["user", "add", "bob", "--role", "user"], "password123\n");
    expect(res.code).toBe(2);
    expect(res.err).toContain("password refused");
    expect(res.err).not.toContain("password123");
    expect((await rows()).users).toHaveLength(0);
  });

  it("a duplicate user → exit 2, the first one untouched", async () => {
    expect((await cli(["user", "add", "bob", "--role", "user"], `${PASSWORD}\n`)).code).toBe(0);
    const before = (await rows()).users;
    const res = await cli(
      ["user", "add", "BOB", "--role", "administrator"],
      "another long passphrase\n",
    );
    expect(res.code).toBe(2);
    expect(res.err).toContain('"bob" already exists');
    expect((await rows()).users).toEqual(before);
  });
});

describe("vestibule user list", () => {
  it("prints one JSON object per line, without password hashes", async () => {
    await cli(["user", "add", "bob", "--role", "user"], `${PASSWORD}\n`);
    await cli(
      ["user", "add", "amy", "--role", "administrator", "--email", "amy@example.org"],
      `${PASSWORD}\n`,
    );
    const res = await cli(["user", "list"]);
    expect(res.code).toBe(0);
    const lines = res.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((u) => u.username)).toEqual(["amy", "bob"]);
    expect(lines[0]).toMatchObject({
      role: "administrator",
      email: "amy@example.org",
      active: true,
    });
    expect(res.out).not.toContain("argon2");
  });
});

describe("vestibule methods set", () => {
  it.each([
    ["app,sms", "app,sms"],
    ["email,app", "app,email"],
    ["", ""],
  ])("%j is stored as %j", async (list, stored) => {
    const res = await cli(["methods", "set", list]);
    expect(res.code).toBe(0);
    expect((await rows()).settings).toEqual([{ key: "methods", value: stored }]);
    const show = await cli(["methods", "show"]);
    expect(show.out).toContain(stored === "" ? "(none: 2FA off)" : stored);
  });

  it.each([
    [["methods", "set", "bogus"]],
    [["methods", "set", "app,totp"]],
    [["methods", "set"]],
    [["methods", "set", "app", "sms"]],
  ])("%j → exit 2, nothing written", async (args) => {
    await cli(["methods", "set", "app"]);
    const res = await cli(args);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^vestibule: /);
    expect((await rows()).settings).toEqual([{ key: "methods", value: "app" }]);
  });
});

describe("other commands", () => {
  it("an unknown command → exit 2 with the usage", async () => {
    const res = await cli(["frobnicate"]);
    expect(res.code).toBe(2);
    expect(res.err).toContain("usage:");
  });

  it("migrate creates the schema", async () => {
    const res = await cli(["migrate"]);
    expect(res.code).toBe(0);
    expect((await rows()).users).toEqual([]);
  });
});

describe("user add judges the password as the web does (issue 14)", () => {
  it.each([
    ["Summer2024!!!", "too easy to guess (predictable)"],
    ["bobbybobbybobby", "too easy to guess"],
  ])("%s → exit 2, saying why, nothing written", async (password, why) => {
    const res = await cli(["user", "add", "bobby", "--role", "user"], `${password}\n`);
    expect(res.code).toBe(2);
    expect(res.err).toContain(`password refused: ${why}`);
    expect(res.err).not.toContain(password);
    expect((await rows()).users).toHaveLength(0);
  });

  it("without second factors the minimum is 15", async () => {
    expect((await cli(["methods", "set", ""])).code).toBe(0);
    const res = await cli(["user", "add", "bob", "--role", "user"], "ochre lantern \n");
    expect(res.code).toBe(2);
    expect(res.err).toContain("too short (at least 15 characters)");
  });
});
