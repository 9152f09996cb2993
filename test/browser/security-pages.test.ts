// Issue 14's pages in Chromium, as a person uses them: the email proof before a forced
// change (code from the development outbox), then the new password; a supervisor's step-up
// before Force New Password and the unlock of a locked second factor. Each page has no
// axe-core violation at WCAG 2.2 A/AA; the sign-in pages fit a 390-px phone.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, overflowX } from "../support/axe.js";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from "../support/browser.js";
import {
  DEFAULT_PASSWORD,
  movingClock,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const PHONE = { width: 390, height: 844 };

describe.runIf(HAS_CHROMIUM)("issue 14's pages in a browser", () => {
  let server: Vestibule;
  let browser: TestBrowser;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startVestibule({
      listen: true,
      clock: movingClock(),
      methods: ["app"],
      // The development outbox carries the email proof's code here.
      env: { FORCED_CHANGE_EMAIL_CODE: "on", LIMIT_SECOND_FACTOR: "1/86400/900" },
    });
    browser = await launchBrowser({ viewport: PHONE });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function check(page: Page, name: string, phone = true): Promise<void> {
    for (const v of await axeViolations(page)) {
      problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(", ")}`);
    }
    if (!phone) return;
    const overflow = await overflowX(page);
    if (overflow > 0) problems.push(`${name}: ${overflow} px wider than a 390-px phone`);
  }

  async function login(page: Page, username: string, password = DEFAULT_PASSWORD) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Username", { exact: true }).fill(username);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Login" }).click();
  }

  const path = (page: Page) => new URL(page.url()).pathname;

  test("a supervisor steps up, unlocks and forces a new password; the user proves the email first", async () => {
    const page = browser.page;
    const supUser = await server.addUser("sue", { role: "supervisor" });
    const supSecret = await server.enrolApp(supUser);
    const flo = await server.addUser("flo", { email: "flo@example.org" });
    await server.enrolApp(flo);
    await server.system.limits.secondFactor.consume(flo.id); // one wrong code locks here

    await login(page, "sue");
    await page.getByLabel("Verification code").fill(server.totp(supSecret));
    await page.getByRole("button", { name: "Confirm" }).click();
    server.clock.advance(11 * 60_000); // the proof is no longer fresh
    await page.goto(`${server.url}/users/${flo.id}`);
    await check(page, "user page with a lock");
    await page.getByRole("button", { name: "Unlock" }).click();
    expect(path(page)).toBe("/login/verify"); // the step-up
    await page.getByLabel("Verification code").fill(server.totp(supSecret));
    await page.getByRole("button", { name: "Confirm" }).click();
    expect(path(page)).toBe(`/users/${flo.id}`);
    await page.getByRole("button", { name: "Unlock" }).click();
    await expect.poll(() => page.getByText("The second factor was unlocked.").count()).toBe(1);

    await page.getByRole("button", { name: "Force New Password" }).click();
    await page.getByRole("button", { name: "Force New Password" }).click();
    await expect.poll(() => page.getByText("Force New Password done").count()).toBe(1);
    // (The staff pages' audit table is wider than a phone already: axe only here.)
    await check(page, "user page with a removed authenticator", false);
    expect(await page.getByText("Removed authenticator apps").count()).toBe(1);
    await page.getByRole("button", { name: "Sign out" }).first().click();

    await login(page, "flo");
    expect(path(page)).toBe("/login/prove-email");
    await check(page, "email proof");
    await server.system.notices.drain();
    const mail = server.system.delivery.outbox
      ?.list()
      .find((m) => m.to === "flo@example.org" && /verification code is/.test(m.body));
    const code = /verification code is (\d{6})/.exec(mail?.body ?? "")?.[1] ?? "";
    await page.getByLabel("Verification code").fill(code);
    await page.getByRole("button", { name: "Continue" }).click();
    expect(path(page)).toBe("/login/new-password");
    await page.getByLabel("New password", { exact: true }).fill("Summer2024!!!");
    await page.getByLabel("Confirm new password").fill("Summer2024!!!");
    await page.getByRole("button", { name: "Save" }).click();
    expect(await page.getByRole("alert").textContent()).toContain(
      "It is a word with a year or symbols added",
    );
    await check(page, "new password refused as weak");
    await page.getByLabel("New password", { exact: true }).fill("lantern quarry velvet ochre");
    await page.getByLabel("Confirm new password").fill("lantern quarry velvet ochre");
    await page.getByRole("button", { name: "Save" }).click();
    expect(path(page)).toBe("/login/setup");
    expect(problems).toEqual([]);
  });
});
