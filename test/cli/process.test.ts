// The vestibule command and server as an operator runs them: the built bin/vestibule.js
// and dist/main.js in processes of their own, stdout a real pipe to `head`, stdin a real
// terminal (util-linux `script` gives it a pty), SIGTERM to stop. dist/ is brought up to
// date first by the same script as `npm start`'s prestart (it compiles only when src/ is
// newer). Every test that runs dist/ lives in this one file, so no two builds race.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../src/store/open.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/vestibule.js");
const PASSWORD = "violet staple orbit lantern";
const HAS_SCRIPT = existsSync("/usr/bin/script");

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), "vestibule-process-"));
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    TERM: "dumb",
    NODE_ENV: "test",
    DATABASE_URL: `sqlite:${join(dir, "vestibule.db")}`,
    SECRET_KEY: "process-test-secret-key-0123456789abcdefghij",
  };
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs bash -c SCRIPT in the temp directory (no .env of the checkout is read there). */
function bash(script: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn("bash", ["-c", script], { cwd: dir, env: { ...env, BIN } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("close", (code) => done({ code, out, err }));
  });
}

async function users(): Promise<{ username: string; password_hash: string }[]> {
  const opened = openDatabase(env.DATABASE_URL!);
  try {
    await migrate(opened);
    return await opened.db.selectFrom("users").select(["username", "password_hash"]).execute();
  } finally {
    await opened.close();
  }
}

describe("help and version", () => {
  it("--help, -h, help and --version print on stdout and exit 0", async () => {
    for (const args of ["--help", "-h", "help"]) {
      const r = await bash(`node "$BIN" ${args}`);
      expect(r, args).toMatchObject({ code: 0, err: "" });
      expect(r.out).toContain("vestibule user add USERNAME");
    }
    const version = await bash(`node "$BIN" --version`);
    expect(version).toMatchObject({ code: 0, err: "" });
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    expect(version.out).toBe(`vestibule ${pkg.version}\n`);
  });

  it("an unknown flag exits 2 with one line", async () => {
    const r = await bash(`node "$BIN" serve --port 4000`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vestibule: serve: unknown option --port; [^\n]*\n$/);
    expect(r.out).toBe("");
  });
});

describe("vestibule audit | head", () => {
  it("ends quietly when the reader closes the pipe early: exit 0, nothing on stderr", async () => {
    const opened = openDatabase(env.DATABASE_URL!);
    try {
      await migrate(opened);
      // Far more than a pipe holds (64 KiB), so writes go on after head has gone.
      for (let batch = 0; batch < 10; batch++) {
        await opened.db
          .insertInto("audit_events")
          .values(
            Array.from({ length: 500 }, (_, i) => ({
              at: Date.UTC(2030, 0, 1) + batch * 500 + i,
              type: "signin_failed",
              user_id: null,
              actor_id: null,
              username: `someone${i}`,
              ip: "192.0.2.7",
              detail: JSON.stringify({ step: "password", why: "unknown_user" }),
            })),
          )
          .execute();
      }
    } finally {
      await opened.close();
    }
    const r = await bash(`node "$BIN" audit 2>stderr.txt | head -n 1; exit "\${PIPESTATUS[0]}"`);
    expect(r.out.split("\n").filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(r.out)).toMatchObject({ type: "signin_failed" });
    expect(readFileSync(join(dir, "stderr.txt"), "utf8")).toBe("");
    expect(r.code).toBe(0);
  });
});

/**
 * A terminal: `script` runs the command on a new pty and copies everything the pty shows
 * (the prompts and whatever the terminal echoes) to our pipe; what we write is typed.
 */
class Terminal {
  private readonly child: ChildProcessWithoutNullStreams;
  screen = "";
  readonly exited: Promise<number | null>;

  constructor(command: string) {
    this.child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: dir,
      env: { ...env, BIN },
    });
    this.child.stdout.on("data", (d: Buffer) => {
      this.screen += d.toString();
    });
    this.exited = new Promise((done) => this.child.on("close", done));
  }

  /** Waits until the screen shows `text` (the test's timeout bounds the wait). */
  async waitFor(text: string): Promise<void> {
    while (!this.screen.includes(text)) {
      await new Promise((r) => this.child.stdout.once("data", r));
    }
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }
}

describe.runIf(HAS_SCRIPT)("a password typed at a terminal", () => {
  it("the harness can see echo: a shell's read shows what is typed", async () => {
    const term = new Terminal(`bash -c 'read -r x; echo done'`);
    term.type("visible-words\r");
    await term.waitFor("done");
    expect(term.screen).toContain("visible-words");
    expect(await term.exited).toBe(0);
  });

  it("user add asks twice without echo, and adds the user", async () => {
    const term = new Terminal(`node "$BIN" user add tess --role user`);
    await term.waitFor("Password: ");
    term.type(`${PASSWORD}\r`);
    await term.waitFor("Password again: ");
    term.type(`${PASSWORD}\r`);
    expect(await term.exited).toBe(0);
    expect(term.screen).toContain("added tess (user)");
    expect(term.screen).not.toContain("violet");
    expect((await users()).map((u) => u.username)).toContain("tess");
  });

  it("two different entries are refused (exit 2), nothing added", async () => {
    const term = new Terminal(`node "$BIN" user add una --role user`);
    await term.waitFor("Password: ");
    term.type(`${PASSWORD}\r`);
    await term.waitFor("Password again: ");
    term.type("something else entirely\r");
    expect(await term.exited).toBe(2);
    expect(term.screen).toContain("vestibule: the two passwords differ");
    expect(term.screen).not.toContain("something else");
    expect((await users()).map((u) => u.username)).not.toContain("una");
  });

  it("Ctrl-C at the prompt ends the command with 130, nothing added", async () => {
    const term = new Terminal(`node "$BIN" user add vic --role user`);
    await term.waitFor("Password: ");
    term.type("half-typed\u0003");
    expect(await term.exited).toBe(130);
    expect(term.screen).not.toContain("half-typed");
    expect((await users()).map((u) => u.username)).not.toContain("vic");
  });
});

describe("the server's first and last lines", () => {
  it("a start line with where it listens (never DATABASE_URL), requests, then stopping and stopped on SIGTERM", async () => {
    const child = spawn(process.execPath, [join(ROOT, "dist/main.js")], {
      cwd: dir,
      env: { ...env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" },
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const lines = () =>
      out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const until = async (predicate: (l: Record<string, unknown>) => boolean) => {
      while (!lines().some(predicate)) {
        await new Promise((r) => child.stdout.once("data", r));
      }
      return lines().find(predicate)!;
    };
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((done) => child.on("close", done));

    const started = await until((l) => String(l.msg).endsWith("sign-in started"));
    expect(started).toMatchObject({ level: 30, database: "sqlite", production: false });
    expect(JSON.stringify(started)).not.toContain("vestibule.db");
    const address = String(started.address);
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${address}/livez`)).status).toBe(200);
    expect((await fetch(`${address}/login`)).status).toBe(200);
    await until((l) => l.msg === "request" && l.route === "/login");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines().map((l) => l.msg)).toEqual(
      expect.arrayContaining(["vestibule stopping: finishing open requests", "vestibule stopped"]),
    );
    expect(lines().find((l) => l.msg === "vestibule stopped")).toBeDefined();
    expect(lines().find((l) => String(l.msg).startsWith("vestibule stopping"))).toMatchObject({
      signal: "SIGTERM",
    });
    // The probe at info is not a line.
    expect(lines().some((l) => l.route === "/livez")).toBe(false);
    // Nothing else on stderr but oidc-provider's own notice about Node 20 (not ours).
    const ours = err.split("\n").filter((l) => l && !l.startsWith("oidc-provider WARNING"));
    expect(ours).toEqual([]);
  });

  it("a bad LOG_LEVEL or NODE_ENV stops the start with one line", async () => {
    const main = join(ROOT, "dist/main.js");
    const bad = await bash(`LOG_LEVEL=verbose node "${main}"`);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^vestibule: LOG_LEVEL must be one of [^\n]+ \(got "verbose"\)\n$/);
    expect(bad.out).toBe("");
    const prod = await bash(`NODE_ENV=prod node "$BIN" serve`);
    expect(prod.code).toBe(2);
    expect(prod.err).toMatch(
      /^vestibule: NODE_ENV must be production, development or test[^\n]*\n$/,
    );
  });
});
