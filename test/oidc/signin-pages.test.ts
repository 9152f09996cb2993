// The provider wired to Vestibule's sign-in pages (issue 10): the interaction rides on the
// flow through Login, the second factor, the app's set-up and a forced new password; a
// browser already signed in well enough goes straight back; one sign-out (Vestibule's
// Sign out, Force New Password, deactivation) ends the provider's sessions and tokens.
import * as client from "openid-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { forceNewPassword } from "../../src/core/supervision.js";
import { setUserActive } from "../../src/core/user-admin.js";
import type { CookieBrowser } from "./support/browser-jar.js";
import {
  LOGIN_PATH,
  type OidcServer,
  startOidcServer,
  TEST_PASSWORD,
  type TestUser,
} from "./support/oidc-server.js";
import {
  authorize,
  exchange,
  REDIRECT_URI,
  type RelyingParty,
  relyingParty,
  signInPages,
} from "./support/relying-party.js";

let server: OidcServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startOidcServer();
  rp = await relyingParty(server, await server.addClient({}));
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  expect(server.serverErrors).toEqual([]);
});

let n = 0;
const newUser = (options?: { app?: boolean; mustChange?: boolean }) =>
  server.addUser(`page${++n}`, "user", `page${n}@example.org`, options);

const csrfOf = (html: string) => /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? "";

async function post(browser: CookieBrowser, path: string, fields: Record<string, string>) {
  return browser.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** An authorization request up to the entry page's answer (not followed further). */
async function toEntry(browser: CookieBrowser, params: Record<string, string> = {}) {
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: "S256",
    ...params,
  });
  const start = await browser.request(url.href);
  const entry = start.headers.get("location") ?? "";
  expect(entry.startsWith(LOGIN_PATH)).toBe(true);
  return { uid: entry.slice(LOGIN_PATH.length), answer: await browser.request(entry) };
}

/** Signs in at Vestibule itself (no application): the browser holds a Vestibule session. */
async function signedInAtVestibule(user: TestUser): Promise<CookieBrowser> {
  const browser = server.browser();
  const end = await signInPages(server, browser, user);
  expect(end.pathname).toBe("/");
  return browser;
}

describe("the entry page", () => {
  it("starts a flow that waits for the password and sends the browser to Login", async () => {
    const { answer } = await toEntry(server.browser());
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/login");
    expect(answer.headers.get("set-cookie")).toMatch(/__Host-vst_signin=/);
  });

  it("the Login and verification pages of that flow may lead to the application (form-action)", async () => {
    const user = await newUser();
    const browser = server.browser();
    await toEntry(browser);
    const login = await browser.request("/login");
    const origin = new URL(REDIRECT_URI).origin;
    expect(login.headers.get("content-security-policy")).toContain(`form-action 'self' ${origin};`);
    const password = await post(browser, "/login", {
      _csrf: csrfOf(await login.text()),
      username: user.username,
      password: TEST_PASSWORD,
    });
    expect(password.headers.get("location")).toBe("/login/verify");
    const verify = await browser.request("/login/verify");
    expect(verify.headers.get("content-security-policy")).toContain(
      `form-action 'self' ${origin};`,
    );
  });

  it("a browser signed in at Vestibule with a second factor is not asked again: amr and auth_time are its session's", async () => {
    const user = await newUser();
    const browser = await signedInAtVestibule(user);
    const [session] = await server.system.stores.sessions.listForUser(user.id, server.clock.now());
    server.clock.advance(120_000);
    const tokens = await exchange(rp, await authorize(rp, browser, undefined));
    expect(tokens.claims()).toMatchObject({
      sub: user.id,
      amr: ["pwd", "otp", "mfa"],
      auth_time: Math.floor(session!.authTime / 1000),
    });
  });

  it("max_age: a Vestibule sign-in older than asked is made again, a recent one is not", async () => {
    const recent = await signedInAtVestibule(await newUser());
    const served = await authorize(rp, recent, undefined, { max_age: "300" });
    expect(served.callback.searchParams.get("code")).toBeTruthy();
    const user = await newUser();
    const old = await signedInAtVestibule(user);
    server.clock.advance(400_000);
    const seen: string[] = [];
    const again = await authorize(rp, old, { user }, { max_age: "300" }, async (uid) => {
      seen.push(uid);
    });
    expect(again.callback.searchParams.get("code")).toBeTruthy();
    const [latest] = await server.system.stores.sessions.listForUser(user.id, server.clock.now());
    // A new sign-in (a new session) answered it, not the 400-second-old one.
    expect(server.clock.now() - latest!.authTime).toBeLessThan(300_000);
    expect(seen).toHaveLength(1);
  });

  it("a Vestibule session without a second factor does not serve a --require-mfa client", async () => {
    const user = await newUser();
    await server.methods([]);
    let browser: CookieBrowser;
    try {
      browser = await signedInAtVestibule(user);
    } finally {
      await server.methods(["app"]);
    }
    const strict = await relyingParty(server, await server.addClient({ requireMfa: true }));
    const answer = await toEntryOf(strict, browser);
    expect(answer.headers.get("location")).toBe("/login");
  });
});

async function toEntryOf(party: RelyingParty, browser: CookieBrowser) {
  const url = client.buildAuthorizationUrl(party.config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: "S256",
  });
  const start = await browser.request(url.href);
  return browser.request(start.headers.get("location") ?? "");
}

describe("the interaction rides on the flow", () => {
  it("through the app's set-up, and the sign-in again after it", async () => {
    const user = await newUser({ app: false });
    const browser = server.browser();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: "s",
    });
    await browser.follow(url.href, (u) => u.pathname === "/login");
    const login = await browser.request("/login");
    const password = await post(browser, "/login", {
      _csrf: csrfOf(await login.text()),
      username: user.username,
      password: TEST_PASSWORD,
    });
    expect(password.headers.get("location")).toBe("/login/setup");
    const setup = await (await browser.request("/login/setup?show=1")).text();
    const secret = /<code class="key" id="manual-key">([^<]*)<\/code>/
      .exec(setup)![1]!
      .replace(/\s+/g, "");
    const enrolled: TestUser = { ...user, secret };
    const saved = await post(browser, "/login/setup", {
      _csrf: csrfOf(setup),
      code: server.nextCode(enrolled),
    });
    // Issue 11: the recovery codes first, then "sign in again" (a new flow for the app).
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('href="/login?notice=app_added"');
    const back = await signInPages(server, browser, enrolled);
    expect(back.href.startsWith(`${server.publicUrl}/oidc/auth/`)).toBe(true);
    const done = await browser.follow(back.href, (u) => u.href.startsWith(REDIRECT_URI));
    const tokens = await client.authorizationCodeGrant(rp.config, done.url, {
      pkceCodeVerifier: verifier,
      expectedState: "s",
    });
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ["pwd", "otp", "mfa"] });
  });

  it("through a forced new password", async () => {
    const user = await newUser({ mustChange: true });
    const browser = server.browser();
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await browser.follow(url.href, (u) => u.pathname === "/login");
    const login = await browser.request("/login");
    const password = await post(browser, "/login", {
      _csrf: csrfOf(await login.text()),
      username: user.username,
      password: TEST_PASSWORD,
    });
    expect(password.headers.get("location")).toBe("/login/new-password");
    const page = await (await browser.request("/login/new-password")).text();
    const changed = await post(browser, "/login/new-password", {
      _csrf: csrfOf(page),
      newPassword: "lantern orbit staple violet",
      confirmPassword: "lantern orbit staple violet",
    });
    expect(changed.headers.get("location")).toBe("/login/verify");
    const verify = await (await browser.request("/login/verify")).text();
    const done = await post(browser, "/login/verify", {
      _csrf: csrfOf(verify),
      code: server.nextCode(user),
    });
    const end = await browser.follow(done.headers.get("location") ?? "", (u) =>
      u.href.startsWith(REDIRECT_URI),
    );
    expect(end.url.searchParams.get("code")).toBeTruthy();
  });

  it("an interaction gone by the last step: a page saying so, never a 500; the person is signed in", async () => {
    const user = await newUser();
    const browser = server.browser();
    const { uid } = await toEntry(browser);
    await server.oidc.storage.adapter("Interaction").destroy(uid);
    const login = await browser.request("/login");
    const password = await post(browser, "/login", {
      _csrf: csrfOf(await login.text()),
      username: user.username,
      password: TEST_PASSWORD,
    });
    await browser.request(password.headers.get("location") ?? "");
    const verify = await (await browser.request("/login/verify")).text();
    const done = await post(browser, "/login/verify", {
      _csrf: csrfOf(verify),
      code: server.nextCode(user),
    });
    expect(done.status).toBe(400);
    expect(await done.text()).toContain("This sign-in has expired");
    expect((await browser.request("/")).status).toBe(200);
  });
});

describe("one sign-out", () => {
  async function signedInAtApp() {
    const user = await newUser();
    const browser = server.browser();
    const tokens = await exchange(rp, await authorize(rp, browser, { user }));
    const silent = await authorize(rp, browser, undefined, { prompt: "none" });
    expect(silent.callback.searchParams.get("code")).toBeTruthy();
    return { user, browser, tokens };
  }

  async function endedEverywhere(browser: CookieBrowser, tokens: { refresh_token?: string }) {
    const silent = await authorize(rp, browser, undefined, { prompt: "none" });
    expect(silent.callback.searchParams.get("error")).toBe("login_required");
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  }

  it("Vestibule's Sign out: prompt=none answers login_required, the refresh token is refused", async () => {
    const { browser, tokens } = await signedInAtApp();
    const home = await browser.request("/");
    const out = await post(browser, "/logout", { _csrf: csrfOf(await home.text()) });
    expect(out.headers.get("location")).toBe("/login?notice=signed_out");
    await endedEverywhere(browser, tokens);
  });

  it("Force New Password", async () => {
    const { user, browser, tokens } = await signedInAtApp();
    const done = await forceNewPassword(server.system.staff.admin, "cli", user.id, null);
    expect(done.ok).toBe(true);
    await endedEverywhere(browser, tokens);
  });

  it("deactivation", async () => {
    const { user, browser, tokens } = await signedInAtApp();
    await setUserActive(server.system.staff.admin, "cli", user.id, false, null);
    await endedEverywhere(browser, tokens);
  });

  it("the provider's logout confirmation: Sign out ends Vestibule's sign-in too, Stay signed in does not", async () => {
    for (const choice of ["yes", undefined]) {
      const { browser, tokens } = await signedInAtApp();
      const end = client.buildEndSessionUrl(rp.config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: "https://app.example.test/signed-out",
      });
      const html = await (await browser.request(end.href)).text();
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
      const confirmed = await post(browser, "/oidc/session/end/confirm", {
        xsrf,
        ...(choice ? { logout: choice } : {}),
      });
      expect(confirmed.status).toBe(303);
      const home = await browser.request("/");
      expect(home.status).toBe(choice ? 303 : 200);
    }
  });

  it("someone else's sign-in is untouched", async () => {
    const mine = await signedInAtApp();
    const theirs = await signedInAtApp();
    const home = await mine.browser.request("/");
    await post(mine.browser, "/logout", { _csrf: csrfOf(await home.text()) });
    const silent = await authorize(rp, theirs.browser, undefined, { prompt: "none" });
    expect(silent.callback.searchParams.get("code")).toBeTruthy();
  });
});
