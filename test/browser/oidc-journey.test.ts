// In Chromium: an application → Vestibule's sign-in with the authenticator app → back at
// the application with a valid ID token. The application is examples/oidc-app/app.js
// (openid-client), run as its own process the way docs/integrate.md says to run it; it
// checks the ID token (signature from the JWKS, issuer, audience, nonce) before it shows
// the claims. The last sign-in step is a form post whose redirects end at the
// application: the page's CSP form-action must list its origin, or Chromium refuses.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACR_MFA } from "../../src/oidc/login.js";
import { type OidcServer, startOidcServer, type TestUser } from "../oidc/support/oidc-server.js";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser, watchConsole } from "../support/browser.js";
import { freePort } from "../support/http.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/oidc-app/app.js", import.meta.url));

let server: OidcServer;
let browser: TestBrowser;
let example: ChildProcess | undefined;
let appUrl = "";
let user: TestUser;

/** Runs the example application; resolves with its address once it says it is serving. */
function runExample(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EXAMPLE], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    example = child;
    let output = "";
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const at = /Example application at (\S+)/.exec(output)?.[1];
      if (at) resolve(at);
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => reject(new Error(`the example exited (${code}): ${output}`)));
  });
}

describe.runIf(HAS_CHROMIUM)(
  "an application signs a person in through Vestibule, in Chromium",
  () => {
    beforeAll(async () => {
      server = await startOidcServer({ publicUrl: `http://127.0.0.1:${await freePort()}` });
      const port = await freePort();
      const registered = await server.addClient({
        name: "Example application",
        redirectUris: [`http://localhost:${port}/callback`],
        postLogoutRedirectUris: [`http://localhost:${port}/`],
      });
      appUrl = await runExample({
        VESTIBULE_URL: server.publicUrl,
        EXAMPLE_PORT: String(port),
        CLIENT_ID: registered.clientId,
        CLIENT_SECRET: registered.clientSecret!,
      });
      user = await server.addUser("journey", "supervisor", "journey@example.org");
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      example?.kill();
      await server?.close();
    });

    it("application → Login → authenticator code → back at the application with the ID token's claims", async () => {
      const { page } = browser;
      const problems = watchConsole(page);
      const csp: Record<string, string> = {};
      page.on("response", (response) => {
        const url = new URL(response.url());
        if (url.origin === server.publicUrl && response.request().method() === "GET") {
          csp[url.pathname] = response.headers()["content-security-policy"] ?? "";
        }
      });

      await page.goto(`${appUrl}/`);
      await page.getByRole("link", { name: "Sign in with Vestibule" }).click();
      await page.waitForURL((u) => u.origin === server.publicUrl && u.pathname === "/login");
      await page.getByLabel("Username", { exact: true }).fill(user.username);
      await page.getByLabel("Password", { exact: true }).fill(user.password);
      await page.getByRole("button", { name: "Login" }).click();
      await page.waitForURL((u) => u.pathname === "/login/verify");
      await page.getByLabel("Verification code", { exact: true }).fill(server.nextCode(user));
      await page.getByRole("button", { name: "Confirm" }).click();

      // Back at the application, which has checked the ID token.
      await page.waitForURL((u) => u.href === `${appUrl}/`);
      expect(await page.locator("#who").textContent()).toBe(user.username);
      const claim = async (name: string) =>
        JSON.parse((await page.locator(`tr:has(th:text-is("${name}")) code`).textContent()) ?? "");
      expect(await claim("iss")).toBe(`${server.publicUrl}/oidc`);
      expect(await claim("sub")).toBe(user.id);
      expect(await claim("amr")).toEqual(["pwd", "otp", "mfa"]);
      expect(await claim("acr")).toBe(ACR_MFA);
      expect(await claim("groups")).toEqual(["supervisor"]);
      expect(await claim("email")).toBe("journey@example.org");

      // The page whose form post ended at the application let its origin in, and Chromium
      // reported no violation on the way.
      expect(csp["/login/verify"]).toContain(`form-action 'self' ${appUrl}`);
      expect(problems).toEqual([]);
    });

    it("signing out at the application ends the sign-in at Vestibule too", async () => {
      const { page } = browser;
      await page.getByRole("link", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await page.waitForURL((u) => u.href === `${appUrl}/`);
      await page.getByRole("link", { name: "Sign in with Vestibule" }).click();
      // No session left at Vestibule: Login again, not straight back.
      await page.waitForURL((u) => u.origin === server.publicUrl && u.pathname === "/login");
      expect(server.serverErrors).toEqual([]);
    });
  },
);
