// Issue 11 in real Chromium, driven by labels and button names: recovery codes shown
// after Save (Download, "sign in again") and used to sign in once, not twice; a
// remembered device skipping the code, and forgotten on Force New Password; the clock
// message for a code from another time. No axe-core violations on the new pages.
import { readFileSync } from "node:fs";
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations } from "../support/axe.js";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser, watchConsole } from "../support/browser.js";
import {
  DEFAULT_PASSWORD,
  movingClock,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let server: Vestibule;
let browser: TestBrowser | undefined;
let staffBrowser: TestBrowser | undefined;

beforeAll(async () => {
  server = await startVestibule({ listen: true, clock: movingClock(), methods: ["app"] });
  [browser, staffBrowser] = await Promise.all([launchBrowser(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await staffBrowser?.close();
  await server?.close();
});

function path(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function login(page: Page, username: string, password = DEFAULT_PASSWORD): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Login" }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await page.waitForURL(/notice=signed_out/);
}

/** The set-up screen: the key read off the page, a code typed, Save. Returns the secret. */
async function setUpApp(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Show QR code" }).click();
  const secret = (await page.locator("#manual-key").textContent())!.replace(/\s+/g, "");
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate({
    timestamp: server.clock.now(),
  });
  await page.getByLabel("Verification code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Save" }).click();
  return secret;
}

describe.runIf(HAS_CHROMIUM)("recovery codes, remembered devices, refusal help", () => {
  test("codes shown once after Save, downloaded, used to sign in once and not twice", async () => {
    await server.addUser("rosa");
    const page = browser!.page;
    const problems = watchConsole(page);
    await login(page, "rosa");
    expect(path(page)).toBe("/login/setup");
    await setUpApp(page);

    // Right after Save: ten codes, a plain warning, Download, then "sign in again".
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Your recovery codes");
    const items = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    expect(await items.count()).toBe(10);
    const codes = (await items.allTextContents()).map((c) => c.trim());
    expect(await page.getByRole("alert").textContent()).toContain("shown only this once");
    expect(await axeViolations(page)).toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download as a text file" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/recovery-codes\.txt$/);
    const text = readFileSync((await download.path())!, "utf8");
    for (const c of codes) expect(text).toContain(c);
    await page.getByRole("link", { name: "I have saved them: sign in again" }).click();
    expect(path(page)).toBe("/login?notice=app_added");

    // The phone is lost: "Use a recovery code".
    await login(page, "rosa");
    expect(path(page)).toBe("/login/verify");
    await page.getByRole("link", { name: "Use a recovery code" }).click();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Recovery code", { exact: true }).fill(codes[0]!);
    await page.getByRole("button", { name: "Confirm" }).click();
    expect(path(page)).toBe("/");
    await signOut(page);

    // The same code again: refused, and said why.
    await login(page, "rosa");
    await page.getByRole("link", { name: "Use a recovery code" }).click();
    expect(await page.getByText("You have 9 recovery codes left.").count()).toBe(1);
    await page.getByLabel("Recovery code", { exact: true }).fill(codes[0]!);
    await page.getByRole("button", { name: "Confirm" }).click();
    expect(path(page)).toBe("/login/verify");
    expect(await page.getByRole("alert").textContent()).toContain(
      "That recovery code was used already",
    );
    // A download ends its navigation (Chromium reports it aborted): nothing else failed.
    expect(
      problems.filter((p) => !p.includes("/login/recovery-codes.txt net::ERR_ABORTED")),
    ).toEqual([]);
    await page.context().clearCookies();
  });

  test("a remembered device skips the code; Force New Password forgets it", async () => {
    const sam = await server.addUser("samir", { role: "supervisor" });
    const samSecret = await server.enrolApp(sam);
    const tom = await server.addUser("tomas");
    const tomSecret = await server.enrolApp(tom);
    const page = browser!.page;

    await login(page, "tomas");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Verification code", { exact: true }).fill(server.totpAt(tomSecret));
    await page.getByLabel("Remember this device for 30 days").check();
    await page.getByRole("button", { name: "Confirm" }).click();
    expect(path(page)).toBe("/");
    await signOut(page);

    // Next time: the password, and straight in.
    await login(page, "tomas");
    expect(path(page)).toBe("/");
    await signOut(page);

    // A supervisor sees the device, then presses Force New Password.
    const staff = staffBrowser!.page;
    await login(staff, "samir");
    await staff.getByLabel("Verification code", { exact: true }).fill(server.totpAt(samSecret));
    await staff.getByRole("button", { name: "Confirm" }).click();
    await staff.goto(`${server.url}/users/${tom.id}`);
    const devices = staff.getByRole("region", { name: "Remembered devices" }).getByRole("row");
    expect(await devices.count()).toBe(2);
    expect(await axeViolations(staff)).toEqual([]);
    await staff.getByRole("button", { name: "Force New Password", exact: true }).click();
    await staff.getByRole("button", { name: "Force New Password", exact: true }).click();
    expect(await staff.getByText("No remembered devices.").count()).toBe(1);

    // Tomas: a new password, a new app, and then the code is asked again on this browser.
    await login(page, "tomas");
    expect(path(page)).toBe("/login/new-password");
    await page.getByLabel("New password", { exact: true }).fill("marigold tundra vessel kite");
    await page
      .getByLabel("Confirm new password", { exact: true })
      .fill("marigold tundra vessel kite");
    await page.getByRole("button", { name: "Save" }).click();
    await setUpApp(page);
    await page.getByRole("link", { name: "I have saved them: sign in again" }).click();
    await login(page, "tomas", "marigold tundra vessel kite");
    expect(path(page)).toBe("/login/verify");
    await page.context().clearCookies();
  });

  test("a code from a phone 5 minutes ahead: the clock message, and still refused", async () => {
    const uma = await server.addUser("uma");
    const secret = await server.enrolApp(uma);
    const page = browser!.page;
    await login(page, "uma");
    expect(await page.getByText("You have 5 tries left before this sign-in ends.").count()).toBe(1);
    await page
      .getByLabel("Verification code", { exact: true })
      .fill(server.totpAt(secret, server.clock.now() + 5 * 60_000));
    await page.getByRole("button", { name: "Confirm" }).click();
    expect(path(page)).toBe("/login/verify");
    const alert = await page.getByRole("alert").textContent();
    expect(alert).toContain("Your phone's clock looks about 5 minutes ahead.");
    expect(alert).toContain("automatic date and time");
    expect(await page.getByText("You have 4 tries left before this sign-in ends.").count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().clearCookies();
  });
});
