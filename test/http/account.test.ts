// Issue 11: the account page. Every signed-in user sees their methods (masked), their
// sessions with where and when they began, and their own recent security events; and
// changes their password, their authenticator app and their other sessions themselves.
import { afterEach, describe, expect, it } from "vitest";
import { injectFaults } from "../support/faults.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const _MINUTE = 60_000;
const _NEW_PASSWORD = "marmalade harbour gravel tundra";
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
