// Issue 3, end to end in chromium: a person signs in with a code sent by email through a
// real SMTP server, and with a code sent by SMS through the Twilio-shaped API, reading
// each code from the message the peer received. Driven by labels and button names.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HAS_CHROMIUM, launchBrowser, unlabelledInputs, watchConsole } from "../support/browser.js";
import { movingClock, startVestibule, type Vestibule } from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import { startTwilioServer, type TestTwilioServer } from "../support/twilio.js";

const APP_NAME = "Acme Sign-in";
const PASSWORD = "correct horse battery staple";
const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-browser-tests";

let smtp: TestSmtpServer;
let twilio: TestTwilioServer;
let server: Vestibule;
let appServer: Vestibule;

beforeAll(async () => {
  smtp = await startSmtpServer({ auth: { user: "mailer", pass: "s3cret-pass" } });
  twilio = await startTwilioServer({ accountSid: SID, authToken: TOKEN });
  const env = {
    APP_NAME,
    SMTP_URL: smtp.url,
    MAIL_FROM: `${APP_NAME} <no-reply@acme.test>`,
    SMS_PROVIDER: "twilio",
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: "+15005550006",
    TWILIO_API_BASE: twilio.apiBase,
  };
  server = await startVestibule({
    listen: true,
    clock: movingClock(),
    env,
    methods: ["email", "sms"],
  });
  appServer = await startVestibule({
    listen: true,
    clock: movingClock(),
    env,
    methods: ["app", "email"],
  });
});

afterAll(async () => {
  await server?.close();
  await appServer?.close();
  await smtp?.close();
  await twilio?.close();
});

async function login(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Login" }).click();
}

/** Screenshots for a person to look at, when SCREENSHOT_DIR is set (never committed). */
async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.first().textContent()) ?? "";
}

async function confirmCode(page: Page, code: string): Promise<void> {
  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();
}

describe.runIf(HAS_CHROMIUM)("verification codes in chromium without JavaScript", () => {
  test("by email through the SMTP server: sent at once, read from the mail, Confirm, signed in", async () => {
    await server.addUser("erin", { password: PASSWORD, email: "erin@example.test" });
    const browser = await launchBrowser({ javaScriptEnabled: false });
    try {
      const { page } = browser;
      const problems = watchConsole(page);
      await login(page, server.url, "erin");
      expect(new URL(page.url()).pathname).toBe("/login/verify");
      expect(await textOf(page.getByRole("status"))).toMatch("by email to e•••@example.test");
      expect(
        await page.getByRole("button", { name: "Send verification code via SMS" }).count(),
      ).toBe(0);
      expect(
        await page.getByRole("button", { name: "Send verification code via email" }).isVisible(),
      ).toBe(true);
      expect(await unlabelledInputs(page)).toEqual([]);

      const mail = await smtp.waitFor((m) => m.to === "erin@example.test");
      const code = /verification code is (\d{6})/.exec(mail.text)?.[1];
      expect(code).toMatch(/^\d{6}$/);
      expect(await page.content()).not.toContain(code!);

      await confirmCode(page, code!);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(await textOf(page.getByRole("heading", { level: 1 }))).toMatch("Welcome");
      await page.getByRole("button", { name: "Sign out" }).first().click();
      expect(new URL(page.url()).pathname).toBe("/login");
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("by SMS through the Twilio-shaped API: asked for on the page, read from the SMS", async () => {
    await server.addUser("sid", {
      password: PASSWORD,
      email: "sid@example.test",
      phone: "+61412345678",
    });
    const browser = await launchBrowser({ javaScriptEnabled: false });
    try {
      const { page } = browser;
      const problems = watchConsole(page);
      await login(page, server.url, "sid");
      // Email goes first; the other method is offered.
      expect(await textOf(page.getByRole("status"))).toMatch("by email to s•••@example.test");
      await page.getByRole("button", { name: "Send verification code via SMS" }).click();
      expect(new URL(page.url()).pathname).toBe("/login/verify");
      expect(await textOf(page.getByRole("status"))).toMatch("by SMS to +61 ••• ••• 678");
      await snapshot(page, "codes-verify-sms");
      expect(await textOf(page.locator("#resend-wait"))).toMatch(/new code in \d+ seconds/);

      const sms = await twilio.waitFor((m) => m.to === "+61412345678");
      expect(sms.from).toBe("+15005550006");
      const code = /^(\d{6}) is your Acme Sign-in verification code/.exec(sms.body)?.[1];
      expect(code).toMatch(/^\d{6}$/);

      await confirmCode(page, code!);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(await textOf(page.getByRole("heading", { level: 1 }))).toMatch("Welcome");
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("from the app set-up screen: Send verification code via email instead, then Confirm", async () => {
    await appServer.addUser("ola", { password: PASSWORD, email: "ola@example.test" });
    const browser = await launchBrowser({ javaScriptEnabled: false });
    try {
      const { page } = browser;
      const problems = watchConsole(page);
      await login(page, appServer.url, "ola");
      expect(new URL(page.url()).pathname).toBe("/login/setup");
      await snapshot(page, "codes-setup");
      expect(await page.getByRole("button", { name: "Show QR code" }).isVisible()).toBe(true);
      await page.getByRole("button", { name: "Send verification code via email" }).click();
      expect(new URL(page.url()).pathname).toBe("/login/verify");
      expect(await textOf(page.getByRole("status"))).toMatch("by email to o•••@example.test");
      const mail = await smtp.waitFor((m) => m.to === "ola@example.test");
      const code = /verification code is (\d{6})/.exec(mail.text)![1]!;
      await confirmCode(page, code);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
