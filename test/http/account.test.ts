// Issue 11: the account page. Every signed-in user sees their methods (masked), their
// sessions with where and when they began, and their own recent security events; and
// changes their password, their authenticator app and their other sessions themselves.
import { afterEach, describe, expect, it } from "vitest";
import { generateTotp } from "../../src/core/totp.js";
import { injectFaults } from "../support/faults.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const MINUTE = 60_000;
const NEW_PASSWORD = "marmalade harbour gravel tundra";
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function withUser(options: Parameters<typeof startVestibule>[0] = {}) {
  t = await startVestibule({ methods: ["app"], ...options });
  const v = t;
  const user = await v.addUser("nina", { email: "nina@example.org", phone: "+61412345678" });
  const secret = await v.enrolApp(user);
  return { v, user, secret };
}

/** Signs in with a User-Agent header of its own (the harness's signIn sends none). */
async function signInAs(v: Vestibule, secret: string, ip: string, ua: string): Promise<Browser> {
  const b = v.browser(ip);
  const send = (method: "GET" | "POST", url: string, fields?: Record<string, string>) =>
    b.request(method, url, {
      headers: { "user-agent": ua, "content-type": "application/x-www-form-urlencoded" },
      ...(fields
        ? { body: new URLSearchParams({ _csrf: csrf(b.html), ...fields }).toString() }
        : {}),
    });
  await send("GET", "/login");
  expect(
    location(await send("POST", "/login", { username: "nina", password: DEFAULT_PASSWORD })),
  ).toBe("/login/verify");
  await send("GET", "/login/verify");
  expect(location(await send("POST", "/login/verify", { code: v.totp(secret) }))).toBe("/");
  return b;
}

function csrf(html: string): string {
  return /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? "";
}

describe("the account page", () => {
  it("is for signed-in people only, linked from the home page and the header", async () => {
    const { v, secret } = await withUser();
    const anon = v.browser();
    expect(location(await anon.get("/account"))).toBe("/login");
    const b = await v.signIn("nina", secret);
    const home = await b.get("/");
    expect(home.body).toContain('<a href="/account">Your account</a>');
    expect(home.body).toMatch(/<header[\s\S]*<a href="\/account">nina<\/a>/);
    const page = await b.get("/account");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<h1>Your account</h1>");
  });

  it("shows the methods masked, the sessions with where they began, and the user's own events", async () => {
    const { v, user, secret } = await withUser();
    const other = await v.addUser("omar");
    const omarSecret = await v.enrolApp(other);
    await v.signIn("omar", omarSecret);
    v.clock.advance(30_000);
    await signInAs(v, secret, "203.0.113.9", FIREFOX);
    v.clock.advance(30_000);
    const b = await v.signIn("nina", secret, DEFAULT_PASSWORD, "198.51.100.7");
    const page = (await b.get("/account")).body;
    expect(page).toContain("n•••@example.org");
    expect(page).not.toContain("nina@example.org");
    expect(page).not.toContain("+61412345678");
    expect(page).toMatch(/Set up 2030-01-01 00:00/);
    // Both of nina's sessions, where each began; this one marked; omar's not at all.
    expect(page).toContain("Firefox on Windows, 203.0.113.9");
    expect(page).toMatch(/198\.51\.100\.7 <strong>\(this browser\)<\/strong>/);
    expect(page.match(/<tr><td>2030/g)?.length).toBeGreaterThanOrEqual(2);
    expect(page).toContain("Sign out other sessions");
    // Her events in words (sign-ins), none of omar's.
    const events = await v.system.stores.audit.list({ userId: user.id, limit: 20 });
    expect(events.length).toBeGreaterThan(0);
    expect(page).toContain("Signed in");
    expect(page).not.toContain("omar");
  });

  it("answers 503, not 500, when the store is down", async () => {
    const faults = injectFaults();
    const { v, secret } = await withUser({ overrides: faults.overrides });
    const b = await v.signIn("nina", secret);
    faults.armed.add("sessions.listForUser");
    const res = await b.get("/account");
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toMatch(/injected|stack/i);
  });
});

/** The step-up: the verification screen, a fresh code, back where it was going. */
async function stepUp(
  v: Vestibule,
  b: Browser,
  secret: string,
  res: { headers: Record<string, unknown> },
  backTo: string,
) {
  expect(location(res as never)).toBe("/login/verify");
  await b.get("/login/verify");
  v.clock.advance(30_000);
  const done = await b.post("/login/verify", { code: v.totp(secret) });
  expect(location(done)).toBe(backTo);
  await b.follow(done);
}

describe("change password", () => {
  it("a fresh second factor first; ends the other sessions, keeps this one; emailed and audited", async () => {
    const { v, user, secret } = await withUser();
    const other = await v.signIn("nina", secret, DEFAULT_PASSWORD, "203.0.113.9");
    v.clock.advance(30_000);
    const b = await v.signIn("nina", secret);
    v.clock.advance(11 * MINUTE);
    await stepUp(v, b, secret, await b.get("/account/password"), "/account/password");
    expect(b.html).toContain('name="currentPassword"');
    const res = await b.post("/account/password", {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(location(res)).toBe("/account?notice=password_changed");
    const after = await v.system.stores.users.findById(user.id);
    expect(await v.system.hasher.verify(after!.passwordHash, NEW_PASSWORD)).toBe(true);
    expect((await b.follow(res)).statusCode).toBe(200);
    expect(b.html).toContain("Your password was changed.");
    expect(location(await other.get("/account"))).toBe("/login");
    const [event] = await v.system.stores.audit.list({
      userId: user.id,
      type: "password_changed",
      limit: 1,
    });
    expect(event?.detail).toEqual({ via: "account", sessionsEnded: 1 });
    expect(JSON.stringify(event)).not.toContain(NEW_PASSWORD);
    await v.system.notices.drain();
    const mail = v.system.delivery.outbox?.list().find((m) => m.to === "nina@example.org");
    expect(mail?.subject).toContain("your password was changed");
  });

  it("the POST asks for a fresh second factor again after 10 minutes; nothing changes", async () => {
    const { v, user, secret } = await withUser();
    const b = await v.signIn("nina", secret);
    await b.get("/account/password");
    v.clock.advance(11 * MINUTE);
    const res = await b.post("/account/password", {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(location(res)).toBe("/login/verify");
    const after = await v.system.stores.users.findById(user.id);
    expect(await v.system.hasher.verify(after!.passwordHash, DEFAULT_PASSWORD)).toBe(true);
  });

  it("a wrong current password is refused, audited and counted in the password limits", async () => {
    const { v, user, secret } = await withUser({
      env: { LIMIT_PASSWORD_DEVICE: "2/900/900", LIMIT_PASSWORD_ACCOUNT_IP: "2/900/900" },
    });
    const b = await v.signIn("nina", secret);
    await b.get("/account/password");
    const wrong = {
      currentPassword: "not my password",
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    };
    const first = await b.post("/account/password", wrong);
    expect(first.statusCode).toBe(401);
    expect(first.body).toContain("Your current password is not correct.");
    await b.post("/account/password", wrong);
    // The limit is reached: even the right password waits now.
    const blocked = await b.post("/account/password", {
      ...wrong,
      currentPassword: DEFAULT_PASSWORD,
    });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers["retry-after"]).toBeDefined();
    const events = await v.system.stores.audit.list({
      userId: user.id,
      type: "current_password_wrong",
      limit: 5,
    });
    expect(events).toHaveLength(2);
    const after = await v.system.stores.users.findById(user.id);
    expect(await v.system.hasher.verify(after!.passwordHash, DEFAULT_PASSWORD)).toBe(true);
  });

  it("refuses a weak or mismatched new password with the forced change's words", async () => {
    const { v, secret } = await withUser();
    const b = await v.signIn("nina", secret);
    await b.get("/account/password");
    const weak = await b.post("/account/password", {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: "password1234",
      confirmPassword: "password1234",
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain("too easy to guess");
    const mismatch = await b.post("/account/password", {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: `${NEW_PASSWORD}x`,
    });
    expect(mismatch.statusCode).toBe(400);
  });

  it("without the CSRF token: 403, nothing changes; store down: 503", async () => {
    const faults = injectFaults();
    const { v, user, secret } = await withUser({ overrides: faults.overrides });
    const b = await v.signIn("nina", secret);
    await b.get("/account/password");
    const forged = await b.post(
      "/account/password",
      {
        currentPassword: DEFAULT_PASSWORD,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
      { csrf: "forged" },
    );
    expect(forged.statusCode).toBe(403);
    await b.get("/account/password");
    faults.armed.add("sessions.deleteOthers");
    const down = await b.post("/account/password", {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(down.statusCode).toBe(503);
    const after = await v.system.stores.users.findById(user.id);
    expect(await v.system.hasher.verify(after!.passwordHash, DEFAULT_PASSWORD)).toBe(true);
  });
});

describe("sign out other sessions", () => {
  it("ends the others, keeps this one, no step-up; emailed and audited; 503 when the store is down", async () => {
    const faults = injectFaults();
    const { v, user, secret } = await withUser({ overrides: faults.overrides });
    const other = await v.signIn("nina", secret, DEFAULT_PASSWORD, "203.0.113.9");
    v.clock.advance(30_000);
    const b = await v.signIn("nina", secret);
    v.clock.advance(11 * MINUTE);
    await b.get("/account");
    const res = await b.post("/account/sessions/end-others", {});
    expect(location(res)).toBe("/account?notice=others_ended");
    expect(location(await other.get("/account"))).toBe("/login");
    expect((await b.get("/account")).statusCode).toBe(200);
    const [event] = await v.system.stores.audit.list({
      userId: user.id,
      type: "other_sessions_ended",
      limit: 1,
    });
    expect(event?.detail).toEqual({ sessionsEnded: 1 });
    await v.system.notices.drain();
    expect(
      v.system.delivery.outbox
        ?.list()
        .some((m) => m.subject?.includes("other sessions signed out")),
    ).toBe(true);
    expect((await b.post("/account/sessions/end-others", {}, { csrf: "forged" })).statusCode).toBe(
      403,
    );
    await b.get("/account");
    faults.armed.add("sessions.deleteOthers");
    expect((await b.post("/account/sessions/end-others", {})).statusCode).toBe(503);
  });
});

describe("replace the authenticator app", () => {
  it("step-up first; the old app works until a code from the new key confirms; then only the new; history and email", async () => {
    const { v, user, secret } = await withUser();
    const b = await v.signIn("nina", secret);
    v.clock.advance(11 * MINUTE);
    await stepUp(v, b, secret, await b.get("/account/app"), "/account/app");
    await b.get("/account/app?show=1");
    const newKey = manualKeyOf(b.html)!;
    expect(newKey).toMatch(/^[A-Z2-7]{32}$/);
    // Meanwhile the old app still signs in.
    v.clock.advance(30_000);
    const meanwhile = await v.signIn("nina", secret);
    expect((await meanwhile.get("/account")).statusCode).toBe(200);
    // A code of the OLD key does not confirm the new one.
    v.clock.advance(30_000);
    const old = await b.post("/account/app", { code: v.totp(secret) });
    expect(old.statusCode).toBe(401);
    const done = await b.post("/account/app", { code: generateTotp(newKey, v.clock.now()) });
    expect(location(done)).toBe("/account?notice=app_replaced");
    // Now the old app's codes are refused at sign-in, the new one's accepted.
    v.clock.advance(30_000);
    await expect(v.signIn("nina", secret)).rejects.toThrow();
    v.clock.advance(30_000);
    await v.signIn("nina", newKey);
    const history = await v.system.stores.authenticators.history(user.id);
    expect(history[0]).toMatchObject({ reason: "replaced", removedBy: user.id });
    await v.system.notices.drain();
    expect(
      v.system.delivery.outbox
        ?.list()
        .some((m) => m.subject?.includes("authenticator app replaced")),
    ).toBe(true);
  });

  it("another session cannot finish this session's enrolment", async () => {
    const { v, secret } = await withUser();
    const b = await v.signIn("nina", secret);
    await b.get("/account/app?show=1");
    const newKey = manualKeyOf(b.html)!;
    v.clock.advance(30_000);
    const thief = await v.signIn("nina", secret, DEFAULT_PASSWORD, "203.0.113.66");
    thief.jar.set("vst_signin", b.jar.get("vst_signin")!);
    await thief.get("/account");
    const res = await thief.post("/account/app", { code: generateTotp(newKey, v.clock.now()) });
    expect(location(res)).toBe("/account?notice=expired");
    expect(
      await v.system.stores.authenticators.history(
        (await v.system.stores.users.findByUsername("nina"))!.id,
      ),
    ).toHaveLength(0);
  });
});

describe("temporary password (user page)", () => {
  it("a supervisor generates one (shown once): sessions end, must change, emailed, audited; refused after 72 hours", async () => {
    const { v, user, secret } = await withUser();
    const supUser = await v.addUser("sup", { role: "supervisor" });
    const sup = await v.signIn("sup", await v.enrolApp(supUser));
    v.clock.advance(30_000);
    const nina = await v.signIn("nina", secret);
    await sup.get(`/users/${user.id}`);
    expect(sup.html).toContain("Generate a temporary password");
    const res = await sup.post(`/users/${user.id}/temporary-password`, { generate: "1" });
    expect(res.statusCode).toBe(200);
    const password = /id="temporary-password">([^<]+)</.exec(res.body)?.[1];
    expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(location(await nina.get("/account"))).toBe("/login");
    const [event] = await v.system.stores.audit.list({
      userId: user.id,
      type: "temporary_password_set",
      limit: 1,
    });
    expect(event).toMatchObject({
      actorId: supUser.id,
      detail: { via: "web", generated: true, mustChange: true, validHours: 72 },
    });
    expect(JSON.stringify(event)).not.toContain(password!);
    await v.system.notices.drain();
    expect(
      v.system.delivery.outbox
        ?.list()
        .some((m) => m.to === "nina@example.org" && m.subject?.includes("new password was set")),
    ).toBe(true);
    // Works now: on to the forced change.
    const fresh = v.browser();
    await fresh.get("/login");
    expect(
      location(await fresh.post("/login", { username: "nina", password: password! })),
    ).not.toBe("");
    // After 72 hours it is refused, saying to ask again.
    v.clock.advance(72 * 3_600_000);
    const late = v.browser();
    await late.get("/login");
    const refused = await late.post("/login", { username: "nina", password: password! });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain("temporary password has expired");
  });

  it("a typed one passes the password rules; nobody on themselves; a supervisor not on staff", async () => {
    const { v, user } = await withUser();
    const supUser = await v.addUser("sup", { role: "supervisor" });
    const supSecret = await v.enrolApp(supUser);
    const other = await v.addUser("sam", { role: "supervisor" });
    const sup = await v.signIn("sup", supSecret);
    await sup.get(`/users/${user.id}`);
    const weak = await sup.post(`/users/${user.id}/temporary-password`, { password: "password" });
    expect(weak.statusCode).toBe(400);
    const typed = await sup.post(`/users/${user.id}/temporary-password`, {
      password: NEW_PASSWORD,
    });
    expect(location(typed)).toBe(`/users/${user.id}?notice=temporary_set`);
    expect(
      (await sup.post(`/users/${supUser.id}/temporary-password`, { generate: "1" })).statusCode,
    ).toBe(403);
    expect(
      (await sup.post(`/users/${other.id}/temporary-password`, { generate: "1" })).statusCode,
    ).toBe(403);
  });
});
