// Issue 12, the person signing in: codes as people type them, messages where the eye is,
// the set-up screen as the support article teaches it, an expired sign-in told on Login.
import { afterEach, describe, expect, it } from "vitest";
import {
  continueAfterSave,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule;
afterEach(async () => {
  await t?.close();
});

async function atStep(v: Vestibule, username: string, expected: string) {
  const b = v.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe(expected);
  await b.follow(res);
  return b;
}

const spaced = (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`;
const dashed = (code: string) => `${code.slice(0, 3)}-${code.slice(3)}`;

describe("codes as people type them", () => {
  it("`123 456` and `123-456` sign in on the verification screen", async () => {
    t = await startVestibule({ methods: ["app"] });
    const secret = await t.enrolApp(await t.addUser("alice"));
    for (const write of [spaced, dashed, (c: string) => ` ${c} `]) {
      const b = await atStep(t, "alice", "/login/verify");
      const res = await b.post("/login/verify", { code: write(t.totp(secret)) });
      expect(location(res)).toBe("/");
      t.clock.advance(30_000);
    }
  });

  it("a spaced code saves the set-up", async () => {
    t = await startVestibule({ methods: ["app"] });
    await t.addUser("nina");
    const b = await atStep(t, "nina", "/login/setup");
    await b.get("/login/setup?show=1");
    const key = manualKeyOf(b.html);
    expect(key).toBeDefined();
    const res = await b.post("/login/setup", { code: dashed(t.totp(key as string)) });
    // Saved: the recovery codes (issue 11), then "sign in again".
    expect(continueAfterSave(res)).toContain("/login?notice=app_added");
  });

  it("a malformed code is refused and never counted: the sign-in survives many of them", async () => {
    t = await startVestibule({ methods: ["app"] });
    const secret = await t.enrolApp(await t.addUser("alice"));
    const b = await atStep(t, "alice", "/login/verify");
    for (const code of [
      "12 3456",
      "123--456",
      "1234567",
      "abc def",
      "123_456",
      "12345",
      "1 2 3 4 5 6",
    ]) {
      const res = await b.post("/login/verify", { code });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('<p class="error" role="alert">');
    }
    // Seven malformed answers, more than the 5 wrong codes a sign-in allows: still alive.
    expect(location(await b.post("/login/verify", { code: t.totp(secret) }))).toBe("/");
  });

  it("the code field has the focus, no maxlength or pattern to cut `123 456`", async () => {
    t = await startVestibule({ methods: ["app"] });
    await t.enrolApp(await t.addUser("alice"));
    const b = await atStep(t, "alice", "/login/verify");
    const field = /<input[^>]* id="code"[^>]*>/.exec(b.html)?.[0] ?? "";
    expect(field).toContain("autofocus");
    expect(field).toContain('inputmode="numeric"');
    expect(field).toContain('autocomplete="one-time-code"');
    expect(field).not.toContain("maxlength");
    expect(field).not.toContain("pattern");
  });
});

describe("the set-up screen", () => {
  it("numbered steps with the apps' links, the QR code before the field, a select-all key, Cancel", async () => {
    t = await startVestibule({ methods: ["app"] });
    await t.addUser("nina");
    const b = await atStep(t, "nina", "/login/setup");
    const page = (await b.get("/login/setup?show=1")).body;
    const steps = /<ol class="steps">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? "";
    expect(steps.match(/<li>/g)).toHaveLength(5);
    expect(steps).toContain("Other account");
    expect(steps).toContain(
      'href="https://play.google.com/store/apps/details?id=com.google.android.apps.authenticator2"',
    );
    expect(steps).toContain('href="https://apps.apple.com/app/google-authenticator/id388497605"');
    expect(steps).toContain(">Microsoft Authenticator</a>");
    expect(steps).toContain("press “Save”");
    expect(page.indexOf('class="qr"')).toBeLessThan(page.indexOf('id="code"'));
    expect(page.indexOf('id="manual-key"')).toBeLessThan(page.indexOf('id="code"'));
    const css = (await b.get("/assets/app.css")).body;
    expect(css).toMatch(/\.key \{[^}]*user-select: all;/);
    // No old entry to delete for a first set-up.
    expect(page).not.toContain("no longer works");

    // Cancel ends the sign-in and its key: back to Login, the step is gone.
    const cancelled = await b.post("/login/cancel", {});
    expect(location(cancelled)).toBe("/login");
    expect(b.jar.has("vst_signin")).toBe(false);
    expect(location(await b.get("/login/setup"))).toBe("/login?notice=expired");
  });

  it("after Force New Password it says to delete the old entry in the app", async () => {
    t = await startVestibule({ methods: ["app"] });
    const user = await t.addUser("omar");
    await t.enrolApp(user);
    await t.system.stores.users.forceNewPassword(user.id, { at: t.clock.now(), byId: null });
    const b = await atStep(t, "omar", "/login/new-password");
    const changed = await b.post("/login/new-password", {
      newPassword: "quartz meadow lantern pilot",
      confirmPassword: "quartz meadow lantern pilot",
    });
    expect(location(changed)).toBe("/login/setup");
    const page = (await b.follow(changed)).body;
    expect(page).toContain(
      '<p class="warning" role="status">Your earlier Vestibule entry in your authenticator app no longer works: delete it from the app',
    );
  });
});

describe("messages where the eye is", () => {
  it("refusals on Login are refusals (error, role=alert); news is a notice; a lock says how long and who helps", async () => {
    t = await startVestibule({ methods: ["app"] });
    const b = t.browser();
    for (const key of ["too_many_codes", "locked", "locked_for_good", "key_replaced"]) {
      const page = (await b.get(`/login?notice=${key}`)).body;
      expect(page).toContain('<p class="error" role="alert">');
      expect(page).not.toContain('class="notice"');
    }
    for (const key of ["signed_out", "app_added", "expired"]) {
      const page = (await b.get(`/login?notice=${key}`)).body;
      expect(page).toContain('<p class="notice" role="status">');
      expect(page).not.toContain('class="error"');
    }
    const locked = (await b.get("/login?notice=locked&wait=900")).body;
    expect(locked).toContain(
      "Verification is locked for a while. Try again in about 15 minutes. If you cannot wait, ask a supervisor to unlock it.",
    );
  });

  it("“We sent a code to …” stands above the code field", async () => {
    t = await startVestibule({ methods: ["email"] });
    await t.addUser("erin", { email: "erin@example.org" });
    const b = await atStep(t, "erin", "/login/verify");
    const page = b.html;
    expect(page).toContain("We sent a verification code by email to");
    expect(page.indexOf("We sent a verification code")).toBeLessThan(page.indexOf('id="code"'));
  });
});

describe("expiry", () => {
  it("a step posted after the sign-in's cookie expired leads to Login, never to a 403", async () => {
    t = await startVestibule({ methods: ["app"] });
    const secret = await t.enrolApp(await t.addUser("alice"));
    const b = await atStep(t, "alice", "/login/verify");
    t.clock.advance(11 * 60_000);
    // The browser dropped the expired cookie; the page still holds the old form.
    b.jar.delete("vst_signin");
    for (const [path, fields] of [
      ["/login/verify", { code: t.totp(secret) }],
      ["/login/setup", { code: "123456" }],
      ["/login/new-password", { newPassword: "x", confirmPassword: "x" }],
      ["/login/code", { method: "email" }],
    ] as const) {
      const res = await b.post(path, fields);
      expect(res.statusCode).toBe(303);
      expect(location(res)).toBe("/login?notice=expired");
    }
    const login = (await b.get("/login?notice=expired")).body;
    expect(login).toContain("Your sign-in has expired. Please sign in again.");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("a browser that still holds a pending sign-in with another token keeps the 403", async () => {
    t = await startVestibule({ methods: ["app"] });
    await t.enrolApp(await t.addUser("alice"));
    const b = await atStep(t, "alice", "/login/verify");
    const res = await b.post("/login/verify", { code: "123456" }, { csrf: "0".repeat(64) });
    expect(res.statusCode).toBe(403);
  });
});
