// Every page, in Chromium: no axe-core violation at WCAG 2.2 A/AA, and on a 390-px-wide
// phone no sideways scrolling. Pages are reached the way a person reaches them.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, overflowX, type Violation } from "../support/axe.js";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from "../support/browser.js";
import {
  DEFAULT_PASSWORD,
  movingClock,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const PHONE = { width: 390, height: 844 };

describe.runIf(HAS_CHROMIUM)("accessibility and small screens", () => {
  let server: Vestibule;
  let browser: TestBrowser;
  let adminSecret = "";
  let carolSecret = "";
  let carolId = "";

  beforeAll(async () => {
    server = await startVestibule({
      listen: true,
      clock: movingClock(),
      methods: ["app", "email", "sms"],
    });
    const admin = await server.addUser("ada.administrator", { role: "administrator" });
    adminSecret = await server.enrolApp(admin);
    const carol = await server.addUser("carol", {
      email: "carol.with.a.long.address@example.org",
      phone: "+61412345678",
      displayName: "Carol Example-Longname",
    });
    carolSecret = await server.enrolApp(carol);
    carolId = carol.id;
    await server.addUser("newbie");
    await server.addUser("changer", { mustChange: true });
    browser = await launchBrowser({ viewport: PHONE });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const problems: string[] = [];
  async function check(page: Page, name: string): Promise<void> {
    const violations: Violation[] = await axeViolations(page);
    for (const v of violations) {
      problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(", ")}`);
    }
    const overflow = await overflowX(page);
    if (overflow > 0) problems.push(`${name}: ${overflow} px wider than a 390-px phone`);
  }

  async function login(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Username", { exact: true }).fill(username);
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Login" }).click();
  }

  async function confirm(page: Page, secret: string): Promise<void> {
    server.clock.advance(30_000);
    await page.getByLabel("Verification code").fill(server.totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
  }

  test("the sign-in pages", async () => {
    const context = await browser.context.browser()?.newContext({ viewport: PHONE });
    const page = context ? await context.newPage() : browser.page;
    await page.goto(`${server.url}/login`);
    await check(page, "login");
    await page.goto(`${server.url}/login?notice=app_added`);
    await check(page, "login with a notice");
    await page.getByLabel("Username", { exact: true }).fill("nobody");
    await page.getByLabel("Password", { exact: true }).fill("wrong password here");
    await page.getByRole("button", { name: "Login" }).click();
    await check(page, "login refused");
    await login(page, "changer");
    await check(page, "new password");
    await page.context().clearCookies();
    await login(page, "newbie");
    await check(page, "set-up");
    await page.getByRole("button", { name: "Show QR code" }).click();
    await check(page, "set-up with the QR code");
    await page.context().clearCookies();
    await login(page, "carol");
    await check(page, "verification");
    await page.getByRole("button", { name: "Send verification code via email" }).click();
    await check(page, "verification after a code was sent");
    await page.getByLabel("Verification code").fill("000000");
    await page.getByRole("button", { name: "Confirm" }).click();
    await check(page, "verification refused");
    await page.goto(`${server.url}/dev/outbox`);
    await check(page, "development outbox");
    await page.goto(`${server.url}/login/verify`);
    await confirm(page, carolSecret);
    await check(page, "home");
    await page.goto(`${server.url}/no-such-page`);
    await check(page, "not found");
    await page.goto(`${server.url}/account`);
    await check(page, "account");
    // A user on a staff page: the 403 page.
    await page.goto(`${server.url}/users`);
    await check(page, "forbidden");
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await page.goto(`${server.url}/login?notice=locked&wait=900`);
    await check(page, "login with a refusal");
    await page.context().close();
    expect(problems).toEqual([]);
  });

  test("the staff pages, in English and in German", async () => {
    for (const locale of ["en-GB", "de-DE"]) {
      const context = await browser.context.browser()?.newContext({ viewport: PHONE, locale });
      const page = context ? await context.newPage() : browser.page;
      const label = (name: string) => `${name} (${locale})`;
      await page.goto(`${server.url}/login`);
      await page.locator("#username").fill("ada.administrator");
      await page.locator("#password").fill(DEFAULT_PASSWORD);
      await page.locator("form[action='/login'] button[type=submit]").click();
      server.clock.advance(30_000);
      await page.locator("#code").fill(server.totp(adminSecret));
      await page.locator("form[action='/login/verify'] button[type=submit]").click();
      expect(new URL(page.url()).pathname).toBe("/");
      await check(page, label("home of an administrator"));
      for (const [name, path] of [
        ["users", "/users"],
        ["users found", "/users?q=carol"],
        ["user", `/users/${carolId}`],
        ["add user", "/users/new"],
        ["Force New Password confirm", `/users/${carolId}/force-new-password`],
        ["settings", "/settings"],
        ["audit", "/audit"],
        ["audit filtered", "/audit?user=carol"],
        ["account", "/account"],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        expect(new URL(page.url()).pathname).toBe(path.split("?")[0]);
        await check(page, label(name));
      }
      // An edit refused (a malformed address): the form with its field error.
      await page.goto(`${server.url}/users/${carolId}`);
      await page.evaluate(() => {
        // The server's refusal is the page under test, not the browser's own validation.
        for (const form of document.forms) form.noValidate = true;
      });
      await page.locator("form[action$='/edit'] input[name=email]").fill("not an address");
      await page.locator("form[action$='/edit'] button[type=submit]").click();
      await check(page, label("user edit refused"));
      // An add refused (no username).
      await page.goto(`${server.url}/users/new`);
      await page.evaluate(() => {
        for (const form of document.forms) form.noValidate = true;
      });
      await page.locator("form[action='/users/new'] button[type=submit]").click();
      await check(page, label("add user refused"));
      // A form whose token no longer matches: the "form expired" page.
      await page.goto(`${server.url}/settings`);
      await page.evaluate(() => {
        for (const input of document.querySelectorAll<HTMLInputElement>("input[name=_csrf]")) {
          input.value = "0".repeat(64);
        }
      });
      await page.locator("form[action='/settings'] button[type=submit]").first().click();
      await check(page, label("form expired"));
      await context?.close();
    }
    expect(problems).toEqual([]);
  });
});
