// Issue 14 (nothing lost in a crash): every audited change writes its audit event in the
// transaction of the change, and the notices it causes are queued in that transaction
// (the outbox), sent after commit and retried until sent. A process that dies right after
// a commit loses neither: the next instance on the same database sends what was queued.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { crashAfterCommit } from "../support/crash.js";
import {
  type Browser,
  continueAfterSave,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

let smtp: TestSmtpServer;
const running: Vestibule[] = [];
let dir = "";

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(async () => {
  for (const v of running.splice(0)) await v.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

/** An instance on a database file that outlives it (the next instance opens the same one). */
async function instance(overrides = {}): Promise<Vestibule> {
  dir ||= mkdtempSync(join(tmpdir(), "vestibule-outbox-"));
  const v = await startVestibule({
    methods: ["app"],
    env: {
      DATABASE_URL: `sqlite:${join(dir, "v.db")}`,
      SMTP_URL: smtp.url,
      MAIL_FROM: "Acme <no-reply@acme.test>",
    },
    overrides,
  });
  running.push(v);
  return v;
}

async function staff(v: Vestibule, role: "supervisor" | "administrator"): Promise<Browser> {
  const user = await v.addUser(`${role}${running.length}${Date.now() % 1000}`, { role });
  return v.signIn(user.username, await v.enrolApp(user));
}

describe("a process that dies right after the commit", () => {
  it("Force New Password: the change, its audit event and the user's notice are all there; the next instance sends it", async () => {
    const crash = crashAfterCommit();
    const a = await instance(crash.overrides);
    const sup = await staff(a, "supervisor");
    const kim = await a.addUser("kim", { email: "kim@example.org" });
    await a.enrolApp(kim);
    await sup.get(`/users/${kim.id}/force-new-password`);
    crash.armed = true;
    const res = await sup.post(`/users/${kim.id}/force-new-password`, {});
    expect(res.statusCode).toBe(503); // the request died after the commit

    // Committed together: the change, its event, its queued notice (not sent: A "died").
    expect((await a.system.stores.users.findById(kim.id))?.mustChangePassword).toBe(true);
    expect(await a.system.stores.authenticators.get(kim.id)).toBeUndefined();
    const events = await a.system.stores.audit.list({ userId: kim.id, limit: 10 });
    expect(events.map((e) => e.type)).toContain("force_new_password");
    const queued = await a.system.stores.outbox.pending();
    expect(queued).toMatchObject([{ kind: "force_new_password", to: "kim@example.org" }]);
    await a.close();
    running.splice(running.indexOf(a), 1);

    // A restart (or another instance) sends what was queued.
    const b = await instance();
    const mail = await smtp.waitFor((m) => m.to === "kim@example.org");
    expect(mail.subject).toBe("Vestibule: your sign-in was reset");
    await b.system.notices.drain();
    expect(await b.system.stores.outbox.pending()).toEqual([]);
  });

  it("a notice the mail server refuses stays queued and is sent on a later try", async () => {
    const a = await instance();
    const admin = await staff(a, "administrator");
    const ned = await a.addUser("ned", { email: "ned-old@example.org" });
    smtp.rejectNext(451);
    await admin.get(`/users/${ned.id}`);
    const saved = await admin.post(`/users/${ned.id}/edit`, {
      displayName: "",
      email: "ned-new@example.org",
      phone: "",
      role: "user",
    });
    expect(location(saved)).toBe(`/users/${ned.id}?notice=saved`);
    await a.system.notices.drain();
    const waiting = await a.system.stores.outbox.pending();
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    expect(waiting.some((m) => m.attempts === 1)).toBe(true);
    const failed = await a.system.stores.audit.list({ type: "notice_send_failed", limit: 5 });
    expect(failed[0]?.detail).toMatchObject({ notice: "user_changed", attempt: 1 });
    a.clock.advance(30_000);
    await a.system.notices.drain();
    expect(await a.system.stores.outbox.pending()).toEqual([]);
    for (const to of ["ned-old@example.org", "ned-new@example.org"]) {
      await smtp.waitFor((m) => m.to === to && /email address was changed/.test(m.subject));
    }
  });
});

describe("every audited change is written with its event, or not at all", () => {
  let v: Vestibule;
  let admin: Browser;

  /** The next audit event of `type` fails to insert: its change must roll back with it. */
  async function failing(type: string, run: () => Promise<void>) {
    if (v.system.database.dialect !== "sqlite") throw new Error("a SQLite trigger fails it");
    const sqlite = v.system.database.sqlite;
    sqlite.exec(
      `create trigger fail_audit before insert on audit_events when new.type = '${type}' begin select raise(abort, 'injected fault'); end`,
    );
    try {
      await run();
    } finally {
      sqlite.exec("drop trigger fail_audit");
    }
  }

  beforeAll(async () => {
    // Its own instance for the whole block (the one above are closed after each test).
    v = await startVestibule({ methods: ["app"] });
    admin = await staff(v, "administrator");
  });
  afterAll(async () => {
    await v.close();
  });

  it("user changed (email), deactivated, added; settings; Force New Password", async () => {
    const ned: User = await v.addUser("ned2", { email: "ned2@example.org" });
    await admin.get(`/users/${ned.id}`);
    await failing("user_changed", async () => {
      const edit = await admin.post(`/users/${ned.id}/edit`, {
        displayName: "",
        email: "elsewhere@example.org",
        phone: "",
        role: "user",
      });
      expect(edit.statusCode).toBe(503);
      await admin.get(`/users/${ned.id}`);
      expect((await admin.post(`/users/${ned.id}/deactivate`, {})).statusCode).toBe(503);
    });
    const after = await v.system.stores.users.findById(ned.id);
    expect(after).toMatchObject({ email: "ned2@example.org", active: true });

    await admin.get("/users/new");
    await failing("user_added", async () => {
      const added = await admin.post("/users/new", {
        username: "newbie",
        displayName: "",
        email: "",
        phone: "",
        role: "user",
        password: "lantern quarry velvet ochre",
      });
      expect(added.statusCode).toBe(503);
    });
    expect(await v.system.stores.users.findByUsername("newbie")).toBeUndefined();

    await admin.get("/settings");
    await failing("settings_changed", async () => {
      const res = await admin.post("/settings", { methods: ["app", "email"] });
      expect(res.statusCode).toBe(503);
    });
    expect(await v.system.stores.settings.get("methods")).toBe("app");

    await v.enrolApp(ned);
    await admin.get(`/users/${ned.id}/force-new-password`);
    await failing("force_new_password", async () => {
      const res = await admin.post(`/users/${ned.id}/force-new-password`, {});
      expect(res.statusCode).toBe(503);
    });
    expect((await v.system.stores.users.findById(ned.id))?.mustChangePassword).toBe(false);
    expect(await v.system.stores.authenticators.get(ned.id)).toBeDefined();
    expect(await v.system.stores.outbox.pending()).toEqual([]);
  });

  it("authenticator added and password changed (the sign-in's own changes)", async () => {
    await v.addUser("pia", { mustChange: true });
    const b = v.browser();
    await b.get("/login");
    await b.post("/login", { username: "pia", password: DEFAULT_PASSWORD });
    await b.get("/login/new-password");
    await failing("password_changed", async () => {
      const res = await b.post("/login/new-password", {
        newPassword: "lantern quarry velvet ochre",
        confirmPassword: "lantern quarry velvet ochre",
      });
      expect(res.statusCode).toBe(503);
    });
    const pia = await v.system.stores.users.findByUsername("pia");
    expect(pia?.mustChangePassword).toBe(true);
    expect(pia?.passwordHash).toBe((await v.system.stores.users.findById(pia!.id))?.passwordHash);
    const again = v.browser();
    await again.get("/login");
    // The old password still works: the new one was never stored.
    const step = await again.post("/login", { username: "pia", password: DEFAULT_PASSWORD });
    expect(location(step)).toBe("/login/new-password");
    await again.get("/login/new-password");
    const changed = await again.post("/login/new-password", {
      newPassword: "lantern quarry velvet ochre",
      confirmPassword: "lantern quarry velvet ochre",
    });
    expect(location(changed)).toBe("/login/setup");

    const key = manualKeyOf((await again.get("/login/setup?show=1")).body)!;
    await failing("authenticator_added", async () => {
      const res = await again.post("/login/setup", { code: v.totp(key) });
      expect(res.statusCode).toBe(503);
    });
    expect(await v.system.stores.authenticators.get(pia!.id)).toBeUndefined();
    // Nothing was charged or used: the flow still shows the same key and the same code works.
    expect(manualKeyOf((await again.get("/login/setup?show=1")).body)).toBe(key);
    const saved = await again.post("/login/setup", { code: v.totp(key) });
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added");
    const added = await sql<{
      n: number;
    }>`select count(*) as n from audit_events where type = 'authenticator_added'`.execute(
      v.system.database.db,
    );
    expect(Number(added.rows[0]?.n)).toBeGreaterThanOrEqual(1);
  });
});
