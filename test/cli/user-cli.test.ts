import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/core/secrets.js";
import { type CliResult, runCli } from "../support/cli.js";
import {
  DEFAULT_PASSWORD,
  startVestibule,
  TEST_SECRET_KEY,
  type Vestibule,
} from "../support/harness.js";

const PASSWORD = "harbour quince lantern 77";
const realStdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
let t: Vestibule;

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"] });
  process.env.DATABASE_URL = t.system.config.databaseUrl;
  process.env.SECRET_KEY = TEST_SECRET_KEY;
  process.env.NODE_ENV = "test";
});
afterAll(async () => {
  Object.defineProperty(process, "stdin", realStdin);
  await t.close();
});

const cli = (argv: string[], stdin = ""): Promise<CliResult> => runCli(argv, stdin);

async function aSession(userId: string, name: string): Promise<string> {
  const idHash = hashToken(name);
  await t.system.stores.sessions.create({
    idHash,
    userId,
    createdAt: t.clock.now(),
    expiresAt: t.clock.now() + 3_600_000,
    authTime: t.clock.now(),
    amr: ["pwd", "otp"],
  });
  return idHash;
}

describe("vestibule user set-password", () => {
  it("sets anyone's password from stdin (an administrator's too); sessions end; audited; kept unless --temporary", async () => {
    const ada = await t.addUser("ada", { role: "administrator", email: "ada@example.org" });
    const session = await aSession(ada.id, "ada-session");
    const r = await cli(["user", "set-password", "ADA"], `${PASSWORD}\n`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("password set for ada");
    const after = await t.system.stores.users.findById(ada.id);
    expect(await t.system.hasher.verify(after!.passwordHash, PASSWORD)).toBe(true);
    expect(after).toMatchObject({ mustChangePassword: false, passwordExpiresAt: null });
    expect(await t.system.stores.sessions.find(session, t.clock.now())).toBeUndefined();
    const [event] = await t.system.stores.audit.list({ type: "temporary_password_set", limit: 1 });
    expect(event).toMatchObject({ userId: ada.id, actorId: null });
    expect(event?.detail).toMatchObject({ via: "cli", generated: false, mustChange: false });
    expect(JSON.stringify(event)).not.toContain(PASSWORD);
  });

  it("--temporary: must change at the next sign-in, works for 72 hours", async () => {
    const ben = await t.addUser("ben");
    const r = await cli(["user", "set-password", "ben", "--temporary"], `${PASSWORD}\n`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("temporary");
    // The CLI runs on the real clock.
    const after = await t.system.stores.users.findById(ben.id);
    expect(after?.mustChangePassword).toBe(true);
    expect(after?.passwordExpiresAt).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    expect(after?.passwordExpiresAt).toBeLessThanOrEqual(Date.now() + 72 * 3_600_000);
  });

  it("refuses a weak password, an unknown user, an unknown flag and a missing USERNAME with exit 2", async () => {
    await t.addUser("cid");
    const weak = await cli(["user", "set-password", "cid"], "password\n");
    expect(weak.code).toBe(2);
    expect(weak.err).toContain("password refused");
    expect((await cli(["user", "set-password", "nobody"], `${PASSWORD}\n`)).err).toContain(
      'no user "nobody"',
    );
    const flag = await cli(["user", "set-password", "cid", "--forever"], `${PASSWORD}\n`);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("unknown option --forever");
    expect((await cli(["user", "set-password"], "")).code).toBe(2);
  });
});

describe("vestibule user deactivate / reactivate", () => {
  it("works on administrators; never on the last active one", async () => {
    // ada (set-password test) is an administrator; add a second.
    const root = await t.addUser("root", { role: "administrator" });
    const session = await aSession(root.id, "root-session");
    const off = await cli(["user", "deactivate", "root"]);
    expect(off.code, off.err).toBe(0);
    expect((await t.system.stores.users.findById(root.id))?.active).toBe(false);
    expect(await t.system.stores.sessions.find(session, t.clock.now())).toBeUndefined();
    // ada is now the last active administrator.
    const last = await cli(["user", "deactivate", "ada"]);
    expect(last.code).toBe(2);
    expect(last.err).toContain("last active administrator");
    const ada = await t.system.stores.users.findByUsername("ada");
    expect(ada?.active).toBe(true);
    const back = await cli(["user", "reactivate", "root"]);
    expect(back.code, back.err).toBe(0);
    expect((await t.system.stores.users.findById(root.id))?.active).toBe(true);
    const events = await t.system.stores.audit.list({
      userId: root.id,
      type: "user_changed",
      limit: 5,
    });
    expect(events.map((e) => e.detail.active)).toEqual([true, false]);
  });

  it("unknown flags and extra words exit 2", async () => {
    expect((await cli(["user", "deactivate", "ben", "--now"])).code).toBe(2);
    expect((await cli(["user", "reactivate", "ben", "cid"])).code).toBe(2);
  });
});

describe("vestibule user edit", () => {
  it("changes role and contact details of any account, keeping what is not given", async () => {
    const dee = await t.addUser("dee", { email: "dee@example.org", displayName: "Dee" });
    const r = await cli([
      "user",
      "edit",
      "dee",
      "--role",
      "administrator",
      "--phone",
      "+61412345678",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(await t.system.stores.users.findById(dee.id)).toMatchObject({
      role: "administrator",
      phone: "+61412345678",
      email: "dee@example.org",
      displayName: "Dee",
    });
    const demote = await cli(["user", "edit", "dee", "--role", "user", "--name", "Dee D"]);
    expect(demote.code, demote.err).toBe(0);
    expect(await t.system.stores.users.findById(dee.id)).toMatchObject({
      role: "user",
      displayName: "Dee D",
    });
  });

  it("never demotes the last active administrator", async () => {
    await cli(["user", "deactivate", "root"]);
    const r = await cli(["user", "edit", "ada", "--role", "supervisor"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("last active administrator");
    expect((await t.system.stores.users.findByUsername("ada"))?.role).toBe("administrator");
    await cli(["user", "reactivate", "root"]);
  });

  it("refuses bad values, nothing to change and unknown flags with exit 2", async () => {
    expect((await cli(["user", "edit", "ben", "--role", "god"])).err).toContain("--role must be");
    expect((await cli(["user", "edit", "ben", "--phone", "12"])).err).toContain("invalid --phone");
    expect((await cli(["user", "edit", "ben"])).err).toContain("nothing to change");
    const flag = await cli(["user", "edit", "ben", "--colour", "red"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("unknown option --colour");
  });
});

describe("help", () => {
  it.each([
    ["set-password", "--temporary"],
    ["deactivate", "USERNAME"],
    ["reactivate", "USERNAME"],
    ["edit", "--role ROLE"],
  ])("user %s --help", async (sub, words) => {
    const r = await cli(["user", sub, "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: vestibule user ${sub}`);
    expect(r.out).toContain(words);
    expect((await cli(["--help"])).out).toContain(`vestibule user ${sub}`);
  });

  it("the password comes from stdin, never argv", async () => {
    const r = await cli(["user", "set-password", "--help"]);
    expect(r.out).toContain("never an argument");
    expect(DEFAULT_PASSWORD).not.toBe(PASSWORD);
  });
});
