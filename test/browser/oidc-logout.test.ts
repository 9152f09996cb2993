// In Chromium: an application signs a person in through the provider and later asks to
// sign them out. The confirmation is a Vestibule page with a plain form post; after
// "Sign out" the browser is back at the application. Chromium applies form-action to
// every redirect after a form post, so the /oidc CSP lists the client's origins: the
// control run with a bare form-action 'self' shows Chromium refusing the same redirect.
import { createServer, type Server } from "node:http";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Oidc } from "../../src/oidc/provider.js";
import { type OidcServer, startOidcServer } from "../oidc/support/oidc-server.js";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from "../support/browser.js";
import { closeServer, freePort, listenOnLoopback } from "../support/http.js";

let server: OidcServer;
let app: Server;
let appUrl = "";
let browser: TestBrowser;
let bareFormAction = false;

/** The control: the same answers with form-action 'self' only. */
const bareCsp = (oidc: Oidc) => {
  oidc.provider.use(async (ctx, next) => {
    await next();
    if (bareFormAction) {
      const csp = ctx.response.get("content-security-policy");
      ctx.set("content-security-policy", csp.replace(/form-action [^;]+/, "form-action 'self'"));
    }
  });
};

describe.runIf(HAS_CHROMIUM)("OpenID Connect logout in Chromium", () => {
  beforeAll(async () => {
    // The application: another origin (localhost, its own port) with two plain pages.
    app = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>App</title><p>app page ${req.url?.split("?")[0]}</p>`);
    });
    appUrl = (await listenOnLoopback(app)).replace("127.0.0.1", "localhost");
    server = await startOidcServer({
      publicUrl: `http://127.0.0.1:${await freePort()}`,
      beforeMount: bareCsp,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (app) await closeServer(app);
  });

  async function signedIn() {
    const user = await server.addUser(`b${Math.random().toString(36).slice(2, 10)}`);
    const registered = await server.addClient({
      redirectUris: [`${appUrl}/callback`],
      postLogoutRedirectUris: [`${appUrl}/signed-out`],
    });
    const issuer = `${server.url}/oidc`;
    const config = await client.discovery(
      new URL(issuer),
      registered.clientId,
      registered.clientSecret,
      client.ClientSecretBasic(registered.clientSecret!),
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: `${appUrl}/callback`,
      scope: "openid profile",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: "st",
    });
    const { page } = browser;
    await page.goto(authUrl.href);
    // Vestibule's own pages: Login, then the authenticator app's code.
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByLabel("Username", { exact: true }).fill(user.username);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Login" }).click();
    await page.waitForURL((u) => u.pathname === "/login/verify");
    await page.getByLabel("Verification code", { exact: true }).fill(server.nextCode(user));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL((u) => u.href.startsWith(`${appUrl}/callback`));
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: verifier,
      expectedState: "st",
    });
    return client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${appUrl}/signed-out`,
      state: "bye",
    });
  }

  it("Sign out on the confirmation page brings the browser back to the application", async () => {
    const endUrl = await signedIn();
    const { page } = browser;
    const scripts: string[] = [];
    page.on("console", (m) => scripts.push(m.text()));
    await page.goto(endUrl.href);
    await page.getByRole("heading", { name: "Sign out" }).waitFor();
    expect(await page.locator("script, style, [style]").count()).toBe(0);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(`${appUrl}/signed-out`));
    expect(new URL(page.url()).searchParams.get("state")).toBe("bye");
    expect(scripts.filter((m) => /Content Security Policy/.test(m))).toEqual([]);
  });

  it("control: under a bare form-action 'self' Chromium refuses the redirect to the application", async () => {
    const endUrl = await signedIn();
    const { page } = browser;
    await page.goto(endUrl.href);
    bareFormAction = true;
    try {
      await page.goto(endUrl.href);
      // Chromium names the form's own URL in the report, not the redirect it refused.
      const refused = page.waitForEvent("console", (m) => /form-action 'self'/.test(m.text()));
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      expect((await refused).text()).toMatch(/Content Security Policy/);
      expect(page.url().startsWith(appUrl)).toBe(false);
    } finally {
      bareFormAction = false;
    }
    expect(server.serverErrors).toEqual([]);
  });
});
