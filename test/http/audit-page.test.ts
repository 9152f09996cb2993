// The audit log as an administrator reads it: every event type names its user (written
// at the source; old rows looked up), events and details in words, filters by user, type
// and time, a CSV export of exactly what is filtered; and the user page's facts table.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setAccessRule } from "../../src/core/access-rules.js";
import { AUDIT_TYPES } from "../../src/core/audit.js";
import type { StoredAuditEvent } from "../../src/core/ports/audit.js";
import type { User } from "../../src/core/ports/users.js";
import { issueRecoveryCodes } from "../../src/core/recovery-codes.js";
import { forgetDevice } from "../../src/core/remembered-devices.js";
import { changeMethods, forceNewPassword, unlockSecondFactor } from "../../src/core/supervision.js";
import { setTemporaryPassword } from "../../src/core/temporary-password.js";
import { generateTotp } from "../../src/core/totp.js";
import { addUser, editUser, setUserActive } from "../../src/core/user-admin.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import { startWebhookReceiver, type TestWebhookReceiver } from "../support/webhook.js";

const WEBHOOK_SECRET = "audit-page-webhook-secret-012345";
const NEW_PASSWORD = "quartz meadow lantern violin";
let webhook: TestWebhookReceiver;
let v: Vestibule;
let root: User;
let admin: Browser;
const users: Record<string, User> = {};

/** Every audit event, oldest first. */
async function allEvents(): Promise<StoredAuditEvent[]> {
  return (await v.system.stores.audit.list({ limit: 10_000 })).reverse();
}

async function passwordStep(username: string, password = DEFAULT_PASSWORD, ip?: string) {
  const b = v.browser(ip);
  await b.get("/login");
  const res = await b.post("/login", { username, password });
  return { b, to: location(res) };
}

/** Wrong app codes (far from now) on the verify page. */
async function wrongCodes(b: Browser, secret: string, count: number): Promise<void> {
  await b.get("/login/verify");
  for (let i = 0; i < count; i++) await b.post("/login/verify", { code: v.totp(secret, 20 + i) });
}

beforeAll(async () => {
  webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
  v = await startVestibule({
    methods: ["app", "sms"],
    env: {
      SMS_PROVIDER: "webhook",
      SMS_WEBHOOK_URL: webhook.url,
      SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // Notices by email to a mail server that is not there: notice_send_failed.
      SMTP_URL: "smtp://127.0.0.1:1",
      MAIL_FROM: "Vestibule <no-reply@example.test>",
      // Straight to the new password (the email proof has its own tests).
      FORCED_CHANGE_EMAIL_CODE: "off",
      MAX_WRONG_CODES_PER_SIGNIN: "2",
      LIMIT_SECOND_FACTOR: "3/86400/900",
      LIMIT_PASSWORD_ACCOUNT: "2/900/900",
    },
  });
  root = await v.addUser("root", { role: "administrator" });
  admin = await v.signIn("root", await v.enrolApp(root));
  const { admin: core } = v.system.staff;

  // user_added, user_changed (profile, deactivate, reactivate)
  const added = await addUser(
    core,
    root,
    {
      username: "nina",
      displayName: "",
      email: "nina@example.test",
      phone: "+61412345003",
      role: "user",
      password: DEFAULT_PASSWORD,
    },
    "192.0.2.10",
  );
  if (!added.ok) throw new Error("nina not added");
  users.nina = added.value;
  await editUser(
    core,
    root,
    users.nina.id,
    { displayName: "Nina N", email: "nina@example.test", phone: "+61412345003", role: "user" },
    "192.0.2.10",
  );
  await setUserActive(core, root, users.nina.id, false, "192.0.2.10");
  await setUserActive(core, root, users.nina.id, true, "192.0.2.10");

  // password_changed, authenticator_added (its notice email fails: notice_send_failed)
  const first = await passwordStep("nina");
  expect(first.to).toBe("/login/new-password");
  await first.b.get(first.to);
  const changed = await first.b.post("/login/new-password", {
    newPassword: NEW_PASSWORD,
    confirmPassword: NEW_PASSWORD,
  });
  expect(location(changed)).toBe("/login/setup");
  await first.b.get("/login/setup?show=1");
  const key = manualKeyOf(first.b.html)!;
  await first.b.post("/login/setup", { code: generateTotp(key, v.clock.now()) });
  await vi.waitFor(async () => {
    expect((await allEvents()).some((e) => e.type === "notice_send_failed")).toBe(true);
  });

  // second_factor_failed ×2 → challenge_ended; a later wrong code → second_factor_locked
  v.clock.advance(30_000);
  const again = await passwordStep("nina", NEW_PASSWORD);
  await wrongCodes(again.b, key, 2);
  const third = await passwordStep("nina", NEW_PASSWORD);
  await wrongCodes(third.b, key, 1);

  // code_sent, code_send_refused (burst), code_send_failed (the gateway answers 500)
  users.omar = await v.addUser("omar", { phone: "+61412345004" });
  await v.enrolApp(users.omar);
  const omar = await passwordStep("omar");
  await omar.b.get(omar.to);
  await omar.b.post("/login/code", { method: "sms" });
  await omar.b.post("/login/code", { method: "sms" });
  users.olga = await v.addUser("olga", { phone: "+61412345005" });
  await v.enrolApp(users.olga);
  const olga = await passwordStep("olga");
  await olga.b.get(olga.to);
  webhook.failNext(500);
  await olga.b.post("/login/code", { method: "sms" });

  // signin_ok and signout
  users.sara = await v.addUser("sara");
  const sara = await v.signIn("sara", await v.enrolApp(users.sara));
  await sara.get("/");
  await sara.post("/logout", {});

  // signin_failed, password_throttled (the second wrong password blocks the account)
  users.quinn = await v.addUser("quinn");
  await passwordStep("quinn", "not quinn's password");
  await passwordStep("quinn", "still not quinn's password");

  // Issue 11: recovery_code_used (rita signs in with one of the codes made for her),
  // device_remembered (the box ticked), device_forgotten (by the administrator)
  users.rita = await v.addUser("rita");
  await v.enrolApp(users.rita);
  const [ritaCode] = await issueRecoveryCodes(v.system.core, users.rita, {
    ip: null,
    via: "account",
  });
  const rita = await passwordStep("rita");
  await rita.b.get(rita.to);
  await rita.b.post("/login/verify", { code: ritaCode!, remember: "1" });
  const [ritaDevice] = await v.system.stores.devices.listForUser(users.rita.id, v.clock.now());
  await forgetDevice(v.system.core, root, users.rita, ritaDevice!.id, "192.0.2.10");

  // second_factor_unlocked (nina's lock lifted by the administrator)
  await unlockSecondFactor(core, root, users.nina.id, "192.0.2.10");

  // force_new_password, settings_changed (by the command line: no actor id)
  await forceNewPassword(core, root, users.omar.id, "192.0.2.10");
  await changeMethods(core, "cli", ["app", "sms", "email"], null);

  // Issue 11, the account page: current_password_wrong, other_sessions_ended,
  // authenticator_replaced; temporary_password_set (by the administrator)
  users.tara = await v.addUser("tara");
  const taraSecret = await v.enrolApp(users.tara);
  const tara = await v.signIn("tara", taraSecret);
  await tara.get("/account/password");
  await tara.post("/account/password", {
    currentPassword: "not tara's password",
    newPassword: NEW_PASSWORD,
    confirmPassword: NEW_PASSWORD,
  });
  await tara.get("/account");
  await tara.post("/account/sessions/end-others", {});
  await tara.get("/account/app?show=1");
  const newKey = manualKeyOf(tara.html)!;
  v.clock.advance(30_000);
  await tara.post("/account/app", { code: generateTotp(newKey, v.clock.now()) });
  await setTemporaryPassword(
    core,
    root,
    users.sara.id,
    { password: "kx7mq-4hrtw-9cnvb-p2zda", generated: true },
    "192.0.2.10",
  );
  // access_rule_changed (forward-auth rules; no user either)
  const { stores, audit } = v.system;
  await setAccessRule(
    { stores, clock: v.clock, audit },
    root,
    { host: "wiki.example.org", roles: "supervisor" },
    "192.0.2.10",
  );
});
afterAll(async () => {
  await v?.close();
  await webhook?.close();
});

describe("every event names its user", () => {
  it("at the source: each type written by the journey carries the username", async () => {
    const events = await allEvents();
    const written = new Set(events.map((e) => e.type));
    for (const type of AUDIT_TYPES) expect(written, type).toContain(type);
    const byId = new Map(Object.values({ root, ...users }).map((u) => [u.id, u.username]));
    for (const e of events.filter((e) => e.userId)) {
      expect(e.username, `${e.type} of ${e.userId}`).toBe(byId.get(e.userId!));
    }
  });

  it("old rows without a username show the user's name, looked up; a gone user its id", async () => {
    await v.system.stores.audit.append({
      type: "signout",
      at: v.clock.now(),
      userId: users.sara!.id,
      username: null,
    });
    await v.system.stores.audit.append({
      type: "signout",
      at: v.clock.now(),
      userId: "id-of-a-removed-user",
      username: null,
    });
    const page = await admin.get("/audit?type=signout");
    expect(page.statusCode).toBe(200);
    const rows = [
      ...page.body.matchAll(/<tr><td>[^<]*<\/td><td>Signed out<\/td><td>([^<]*)<\/td>/g),
    ];
    expect(rows.map((r) => r[1])).toEqual(["id-of-a-removed-user", "sara", "sara"]);
  });

  it("the page shows no user or actor id where a name is known", async () => {
    let url: string | undefined = "/audit";
    const ids = Object.values({ root, ...users }).map((u) => u.id);
    while (url) {
      const page = await admin.get(url);
      for (const id of ids) expect(page.body).not.toContain(id);
      url = /href="([^"]*)" rel="next"/.exec(page.body)?.[1]?.replace(/&amp;/g, "&");
    }
  });
});

describe("events and details in words", () => {
  it("readable names and details on the audit page", async () => {
    const page = (await admin.get("/audit")).body;
    for (const words of [
      "<td>Second factor locked</td><td>nina</td>",
      "<td>Sign-in ended after wrong codes</td><td>nina</td>",
      "<td>Force New Password</td><td>omar</td><td>root</td>",
      "<td>Settings changed</td><td></td><td>command line</td>",
      "Methods: Authenticator app, SMS → Authenticator app, SMS, Email; With the command line",
      "Reason: wrong password",
      "Limit: codes per user and method, short interval",
      "Provider: ",
      "Notice: Authenticator app set up",
      "Changed: Name",
      "<td>Deactivated</td>",
    ]) {
      expect(page).toContain(words);
    }
    expect(page).not.toMatch(/<td>[a-z]+_[a-z_]+<\/td>/);
  });
});

describe("filters", () => {
  it("by user, by type, and both; the type list in words", async () => {
    const byUser = (await admin.get("/audit?user=NINA")).body;
    expect(byUser).toContain("<td>Second factor locked</td><td>nina</td>");
    expect(byUser).not.toMatch(/<td>(omar|sara|quinn)<\/td>/);
    const byType = (await admin.get("/audit?type=code_sent")).body;
    expect(byType).toContain("<td>Verification code sent</td><td>omar</td>");
    expect(byType).not.toContain("Signed in</td>");
    expect(byType).toContain('<option value="code_sent" selected>Verification code sent</option>');
    const both = (await admin.get("/audit?user=quinn&type=password_throttled")).body;
    expect([
      ...both.matchAll(/<td>Password attempts throttled<\/td><td>quinn<\/td>/g),
    ]).toHaveLength(1);
  });

  it("by time, in UTC: from and to (to includes its whole minute)", async () => {
    // Two events of a user of its own, a minute apart, at known times.
    const at = Date.UTC(2031, 5, 1, 10, 30, 20);
    await v.system.stores.audit.append({ type: "signout", at, userId: "t1", username: "timo" });
    await v.system.stores.audit.append({
      type: "signout",
      at: at + 60_000,
      userId: "t1",
      username: "timo",
    });
    const count = async (query: string) =>
      [...(await admin.get(`/audit?user=&type=signout&${query}`)).body.matchAll(/<td>timo<\/td>/g)]
        .length;
    expect(await count("from=2031-06-01T10:30")).toBe(2);
    expect(await count("from=2031-06-01T10:31")).toBe(1);
    expect(await count("to=2031-06-01T10:30")).toBe(1);
    expect(await count("from=2031-06-01T10:30&to=2031-06-01T10:31")).toBe(2);
    expect(await count("from=2031-06-01T10:31:21")).toBe(0);
    expect(await count("to=2031-06-01T10:29:59")).toBe(0);
  });

  it.each(["2031-02-30T10:00", "yesterday", "2031-06-01T25:00", "2031-06-01T10:00:60"])(
    "a time that is not one (%s) is a 400 with words, not a 500 or everything",
    async (bad) => {
      const res = await admin.get(`/audit?from=${encodeURIComponent(bad)}`);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain("Enter the times as year-month-day");
      expect(res.body).toContain("No events.");
      const csv = await admin.get(`/audit.csv?to=${encodeURIComponent(bad)}`);
      expect(csv.statusCode).toBe(400);
    },
  );

  it("the Older link and the CSV link carry the filters", async () => {
    const page = (await admin.get("/audit?user=nina&from=2030-01-01T00:00")).body;
    expect(page).toContain('href="/audit.csv?user=nina&amp;from=2030-01-01T00%3A00"');
  });
});

describe("CSV export", () => {
  it("what the filters select, every page of it, RFC 4180 with formula cells made text", async () => {
    // A typed username that a spreadsheet would run.
    await passwordStep('=cmd|"/c calc"!a0', "whatever it is");
    const res = await admin.get("/audit.csv?type=signin_failed");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="audit.csv"');
    const lines = res.body.replace(/^\ufeff/, "").split("\r\n");
    expect(lines[0]).toBe('"Time (UTC)","Event","Event id","User","By","Address","Detail"');
    expect(lines.at(-1)).toBe("");
    const rows = lines.slice(1, -1);
    expect(rows.length).toBe(
      (await v.system.stores.audit.list({ type: "signin_failed", limit: 1000 })).length,
    );
    for (const row of rows) expect(row).toContain('"Sign-in failed","signin_failed"');
    expect(res.body).toContain(`"'=cmd|""/c calc""!a0"`);
    expect(res.body).not.toMatch(/(^|,)"=/m);
  });

  it("a user's events, many pages long, in one file", async () => {
    for (let i = 0; i < 450; i++) {
      await v.system.stores.audit.append({
        type: "code_sent",
        at: Date.UTC(2032, 0, 1) + i,
        userId: users.sara!.id,
        username: "sara",
        detail: { method: "sms" },
      });
    }
    const res = await admin.get("/audit.csv?user=sara&type=code_sent");
    const rows = res.body.split("\r\n").slice(1, -1);
    expect(rows).toHaveLength(450);
    expect(rows[0]).toMatch(
      /^"2032-01-01T00:00:00\.449Z","Verification code sent","code_sent","sara",,,"Method: SMS"$/,
    );
  });

  it("administrators only, like the page", async () => {
    users.sid = await v.addUser("sid", { role: "supervisor" });
    const sid = await v.signIn("sid", await v.enrolApp(users.sid));
    expect((await sid.get("/audit.csv")).statusCode).toBe(403);
    const anonymous = await v.browser().get("/audit.csv");
    expect(anonymous.statusCode).toBe(303);
    expect(location(anonymous)).toBe("/login");
  });
});

describe("the user page", () => {
  it("lays the account's facts out as a table of named rows", async () => {
    const page = (await admin.get(`/users/${users.nina!.id}`)).body;
    expect(page).toContain('<table class="facts">\n<caption>Account</caption>');
    for (const [name, value] of [
      ["Username", "nina"],
      ["Name", "Nina N"],
      ["Email", "nina@example.test"],
      ["Role", "User"],
      ["Status", "Active"],
      ["App set up", "Yes"],
      ["Second factor locked", "No"],
    ]) {
      expect(page).toContain(`<tr><th scope="row">${name}</th><td>${value}</td></tr>`);
    }
  });
});
