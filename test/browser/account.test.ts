// Issue 11, end to end in real chromium: the account page's changes and a supervisor's
// temporary password, each as the people involved would live them, in several browsers.
// The authenticator keys are read off QR codes' pixels, the emails from a real SMTP
// server on loopback, and the test clock moves past TOTP steps and the 10-minute step-up
// instead of sleeping. Driven by labels and button names only.
import { TOTP, URI } from "otpauth";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { axeViolations, overflowX } from "../support/axe.js";
import {
  enterCode,
  HAS_CHROMIUM,
  launchBrowser,
  pathOf as path,
  press,
  readQrCode,
  submitLogin,
  type TestBrowser,
  unlabelledInputs,
  watchConsole,
} from "../support/browser.js";
import {
  type AddUserOptions,
  movingClock,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const APP_NAME = "Acme Sign-in";
const OLD_PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "lighthouse pickle avalanche";
const STEP_MS = 30_000;
/** Past the 10 minutes after which a change asks for a fresh second factor. */
const STALE_PROOF_MS = 11 * 60_000;
const PHONE = { width: 390, height: 844 };
// Each journey takes a few seconds alone; the margin is for a loaded CI machine.
const JOURNEY_TIMEOUT_MS = 90_000;

let smtp: TestSmtpServer;
let server: Vestibule;
const browsers: TestBrowser[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startVestibule({
    listen: true,
    clock: movingClock(),
    // With SMTP configured, a forced change first proves the user's email (docs/security.md).
    env: { APP_NAME, SMTP_URL: smtp.url, MAIL_FROM: `${APP_NAME} <no-reply@acme.test>` },
    methods: ["app"],
  });
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.close();
  await smtp?.close();
});

/** A browser of its own (its own profile: its own cookies), closed after the file. */
async function openBrowser(viewport?: { width: number; height: number }): Promise<Page> {
  const browser = await launchBrowser(viewport ? { viewport } : {});
  browsers.push(browser);
  return browser.page;
}

/** Console errors, CSP violations and failed subresources of all these pages so far. */
function watchConsoles(...pages: Page[]): () => string[] {
  const lists = pages.map((page) => watchConsole(page));
  return () => lists.flat();
}

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await submitLogin(page, username, password);
}

/** A user with OLD_PASSWORD and an authenticator app set up long ago. */
async function addWithApp(
  username: string,
  options: AddUserOptions = {},
): Promise<{ user: User; secret: string }> {
  const user = await server.addUser(username, { password: OLD_PASSWORD, ...options });
  return { user, secret: await server.enrolApp(user) };
}

/** The Login page refuses this password, saying only that something is incorrect. */
async function expectRefused(page: Page, username: string, password: string): Promise<void> {
  await login(page, username, password);
  expect(path(page)).toBe("/login");
  expect(await page.getByRole("alert").textContent()).toContain("incorrect");
}

/** Password and a code from the app: signed in, on the home page. */
async function signIn(page: Page, username: string, password: string, secret: string) {
  // A new step for every sign-in: a code is accepted once (RFC 6238 §5.2).
  server.clock.advance(STEP_MS);
  await login(page, username, password);
  expect(path(page)).toBe("/login/verify");
  await enterCode(page, server.totpAt(secret), "Confirm");
  expect(path(page)).toBe("/");
}

async function heading(page: Page): Promise<string> {
  return ((await page.getByRole("heading", { level: 1 }).textContent()) ?? "").trim();
}

async function openAccount(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole("link", { name: "Your account" }).first().click();
  expect(path(page)).toBe("/account");
  expect(await heading(page)).toBe("Your account");
}

/** The account page's Change password form: current, new, new again, Save. */
async function submitPasswordForm(page: Page, current: string, next: string): Promise<void> {
  await page.getByLabel("Current password", { exact: true }).fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password", { exact: true }).fill(next);
  await page.getByRole("button", { name: "Save" }).click();
}

/** The key a phone would scan from the replace screen's QR code. */
async function scanNewKey(page: Page): Promise<TOTP> {
  await page.getByRole("button", { name: "Show QR code" }).click();
  const otp = URI.parse(await readQrCode(page.getByLabel("QR code for your authenticator app")));
  expect(otp).toBeInstanceOf(TOTP);
  return otp as TOTP;
}

describe.runIf(HAS_CHROMIUM)("the account page and temporary passwords, in chromium", () => {
  test(
    "replace the authenticator app: the old app works until the new one is confirmed, then only the new",
    async () => {
      const { secret: secretA } = await addWithApp("rita", { email: "rita@example.test" });
      const page = await openBrowser();
      const elsewhere = await openBrowser();
      const problems = watchConsoles(page, elsewhere);
      await signIn(page, "rita", OLD_PASSWORD, secretA);

      // Her last proof is older than 10 minutes: a fresh code from app A first.
      server.clock.advance(STALE_PROOF_MS);
      await openAccount(page);
      await page.getByRole("button", { name: "Replace the authenticator app" }).click();
      expect(path(page)).toBe("/login/verify");
      server.clock.advance(STEP_MS);
      await enterCode(page, server.totpAt(secretA), "Confirm");
      expect(path(page)).toBe("/account/app");
      expect(await heading(page)).toBe("Replace the authenticator app");
      expect(await unlabelledInputs(page)).toEqual([]);

      // The new key, read off the QR code's pixels as the new phone does.
      const appB = await scanNewKey(page);
      expect(appB.secret.base32).not.toBe(secretA);
      expect(appB.issuer).toBe(APP_NAME);

      // Until the new key is confirmed, app A still signs in elsewhere.
      await signIn(elsewhere, "rita", OLD_PASSWORD, secretA);
      await press(elsewhere, "Sign out");

      // A code from app A does not confirm the new key; one from app B does.
      server.clock.advance(STEP_MS);
      await enterCode(page, server.totpAt(secretA), "Save");
      expect(path(page)).toBe("/account/app");
      expect(await page.getByRole("alert").textContent()).toContain("not valid");
      await enterCode(page, appB.generate({ timestamp: server.clock.now() }), "Save");
      expect(path(page)).toBe("/account?notice=app_replaced");
      expect(await page.getByRole("status").textContent()).toContain(
        "Codes from the old one no longer work",
      );

      // The next sign-in refuses app A's code and takes app B's.
      server.clock.advance(STEP_MS);
      await login(elsewhere, "rita", OLD_PASSWORD);
      await enterCode(elsewhere, server.totpAt(secretA), "Confirm");
      expect(path(elsewhere)).toBe("/login/verify");
      expect(await elsewhere.getByRole("alert").textContent()).toContain("not valid");
      await enterCode(elsewhere, appB.generate({ timestamp: server.clock.now() }), "Confirm");
      expect(path(elsewhere)).toBe("/");

      // The account page lists the change, and the email about it arrived.
      await openAccount(page);
      expect(
        await page.getByRole("region", { name: "Recent security events" }).first().textContent(),
      ).toContain("Authenticator app replaced");
      const mail = await smtp.waitFor(
        (m) => m.to === "rita@example.test" && m.subject.includes("authenticator app replaced"),
      );
      expect(mail.text).toContain("Codes from the old one no longer work");
      expect(mail.text).not.toContain(appB.secret.base32);
      expect(problems()).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );

  test(
    "a temporary password leads to the forced change; the user's open session ended when it was set",
    async () => {
      const { secret: samSecret } = await addWithApp("sam", { role: "supervisor" });
      const { secret: tessSecret } = await addWithApp("tess", { email: "tess@example.test" });
      const supPage = await openBrowser();
      const page = await openBrowser();
      const other = await openBrowser();
      const problems = watchConsoles(supPage, page, other);

      // Tess is signed in on another computer.
      await signIn(other, "tess", OLD_PASSWORD, tessSecret);

      // Sam finds her and generates a temporary password: shown once, on the answer.
      await signIn(supPage, "sam", OLD_PASSWORD, samSecret);
      await supPage.getByRole("link", { name: "Users" }).click();
      await supPage.getByLabel("Search by username or email", { exact: true }).fill("tess");
      await supPage.getByRole("button", { name: "Search" }).click();
      await supPage.getByRole("link", { name: "tess", exact: true }).click();
      expect(await heading(supPage)).toBe("User tess");
      await supPage.getByRole("button", { name: "Generate a temporary password" }).click();
      expect(await heading(supPage)).toBe("Temporary password for tess");
      const temporary = ((await supPage.locator("#temporary-password").textContent()) ?? "").trim();
      expect(temporary).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
      // Shown once: the user page never shows it again.
      await supPage.getByRole("link", { name: "Cancel" }).click();
      await supPage.waitForLoadState("load");
      expect(await heading(supPage)).toBe("User tess");
      expect(await supPage.content()).not.toContain(temporary);

      // Tess's open session ended, and she was told by email.
      await other.reload();
      expect(path(other)).toBe("/login");
      const told = await smtp.waitFor(
        (m) => m.to === "tess@example.test" && m.subject.includes("a new password was set"),
      );
      expect(told.text).not.toContain(temporary);

      // She signs in with it: first a code to her email, then she must choose her own.
      await login(page, "tess", temporary);
      expect(path(page)).toBe("/login/prove-email");
      const proof = await smtp.waitFor(
        (m) => m.to === "tess@example.test" && /verification code is \d{6}/.test(m.text),
      );
      const emailCode = /verification code is (\d{6})/.exec(proof.text)![1]!;
      await page.getByLabel("Verification code", { exact: true }).fill(emailCode);
      await page.getByRole("button", { name: "Continue" }).click();
      expect(path(page)).toBe("/login/new-password");
      expect(await unlabelledInputs(page)).toEqual([]);
      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Confirm new password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Save" }).click();
      // Her app stays (a temporary password is not Force New Password): its code finishes.
      expect(path(page)).toBe("/login/verify");
      server.clock.advance(STEP_MS);
      await enterCode(page, server.totpAt(tessSecret), "Confirm");
      expect(path(page)).toBe("/");
      await press(page, "Sign out");

      // The temporary password and the old one are refused; the new one signs in.
      await expectRefused(page, "tess", temporary);
      await expectRefused(page, "tess", OLD_PASSWORD);
      await signIn(page, "tess", NEW_PASSWORD, tessSecret);
      expect(problems()).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );

  test(
    "change password after a step-up: the other browser is signed out, only the new password works",
    async () => {
      const { secret } = await addWithApp("paul", { email: "paul@example.test" });
      const page = await openBrowser();
      const other = await openBrowser();
      const problems = watchConsoles(page, other);
      await signIn(page, "paul", OLD_PASSWORD, secret);
      await signIn(other, "paul", OLD_PASSWORD, secret);

      // Eleven minutes on: a fresh code is asked before the form is shown.
      server.clock.advance(STALE_PROOF_MS);
      await openAccount(page);
      await page.getByRole("button", { name: "Change password" }).click();
      expect(path(page)).toBe("/login/verify");
      expect(await page.getByLabel("Current password").count()).toBe(0);
      server.clock.advance(STEP_MS);
      await enterCode(page, server.totpAt(secret), "Confirm");
      expect(path(page)).toBe("/account/password");
      expect(await heading(page)).toBe("Change password");
      expect(await unlabelledInputs(page)).toEqual([]);

      // A wrong current password is refused by the form; then the change.
      await submitPasswordForm(page, "not my password at all", NEW_PASSWORD);
      expect(await page.getByRole("alert").textContent()).toContain(
        "current password is not correct",
      );
      await submitPasswordForm(page, OLD_PASSWORD, NEW_PASSWORD);
      expect(path(page)).toBe("/account?notice=password_changed");
      expect(await page.getByRole("status").textContent()).toContain("Your password was changed");

      // This browser stays signed in; the other one is signed out.
      await page.reload();
      expect(path(page)).toBe("/account?notice=password_changed");
      await other.reload();
      expect(path(other)).toBe("/login");
      await smtp.waitFor(
        (m) => m.to === "paul@example.test" && m.subject.includes("your password was changed"),
      );

      // The old password no longer signs in; the new one does.
      await expectRefused(other, "paul", OLD_PASSWORD);
      await signIn(other, "paul", NEW_PASSWORD, secret);
      expect(problems()).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );

  test(
    "no axe-core violation (WCAG 2.2 A/AA) and no sideways scrolling on a 390-px phone: the account page and its action pages",
    async () => {
      const { secret: sueSecret } = await addWithApp("sue", { role: "supervisor" });
      const { user: victor, secret: victorSecret } = await addWithApp(
        "victor.with.a.rather.long.username",
        {
          email: "victor.with.a.long.address@example.test",
          displayName: "Victor Example-Longname",
        },
      );
      const page = await openBrowser(PHONE);
      const supPage = await openBrowser(PHONE);
      const consoles = watchConsoles(page, supPage);
      const problems: string[] = [];
      async function check(on: Page, name: string): Promise<void> {
        for (const v of await axeViolations(on)) {
          problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(", ")}`);
        }
        const overflow = await overflowX(on);
        if (overflow > 0) problems.push(`${name}: ${overflow} px wider than a 390-px phone`);
        const scrollWidth = await on.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > PHONE.width) problems.push(`${name}: scrollWidth ${scrollWidth}`);
      }

      // A second session, so the page lists two and offers Sign out other sessions.
      await signIn(supPage, victor.username, OLD_PASSWORD, victorSecret);
      await supPage.context().clearCookies();
      await signIn(page, victor.username, OLD_PASSWORD, victorSecret);
      await openAccount(page);
      expect(await page.getByRole("button", { name: "Sign out other sessions" }).count()).toBe(1);
      await check(page, "account");
      await page.getByRole("button", { name: "Change password" }).click();
      expect(path(page)).toBe("/account/password");
      await check(page, "change password");
      await submitPasswordForm(page, "not my password at all", NEW_PASSWORD);
      await check(page, "change password refused");
      await openAccount(page);
      await page.getByRole("button", { name: "Replace the authenticator app" }).click();
      expect(path(page)).toBe("/account/app");
      await check(page, "replace app");
      await page.getByRole("button", { name: "Show QR code" }).click();
      await check(page, "replace app with the QR code");
      await enterCode(page, "000000", "Save");
      await check(page, "replace app refused");

      await signIn(supPage, "sue", OLD_PASSWORD, sueSecret);
      await supPage.goto(`${server.url}/users/${victor.id}`);
      expect(
        await supPage.getByRole("button", { name: "Generate a temporary password" }).count(),
      ).toBe(1);
      await check(supPage, "user page with the temporary password forms");
      await supPage.getByLabel("Temporary password", { exact: true }).fill("password");
      await supPage.getByRole("button", { name: "Set this password" }).click();
      await check(supPage, "temporary password refused");
      await supPage.getByRole("button", { name: "Generate a temporary password" }).click();
      expect(await heading(supPage)).toBe(`Temporary password for ${victor.username}`);
      await check(supPage, "temporary password shown once");
      expect([...problems, ...consoles()]).toEqual([]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
