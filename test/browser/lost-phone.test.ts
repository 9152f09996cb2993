// Issue 4, end to end in real chromium: the article's "Lost access to your
// authenticator app?" path. A supervisor presses Force New Password (with its
// confirmation); the user's open session ends; the user signs in with the current
// password, must choose a new one, sets the app up again with a NEW key read off the
// QR code's pixels; the old key's codes and the old password fail. Two browsers, driven
// by labels and button names only.
import { TOTP, URI } from "otpauth";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  enterCode,
  HAS_CHROMIUM,
  launchBrowser,
  pathOf,
  readQrCode,
  submitLogin,
  type TestBrowser,
  unlabelledInputs,
  watchConsole,
} from "../support/browser.js";
import { movingClock, startVestibule, type Vestibule } from "../support/harness.js";

const OLD_PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "lighthouse pickle avalanche";
const STEP_MS = 30_000;

let server: Vestibule;
let supBrowser: TestBrowser | undefined;
let userBrowser: TestBrowser | undefined;

beforeAll(async () => {
  server = await startVestibule({ listen: true, clock: movingClock(), methods: ["app"] });
  [supBrowser, userBrowser] = await Promise.all([launchBrowser(), launchBrowser()]);
});

afterAll(async () => {
  await supBrowser?.close();
  await userBrowser?.close();
  await server?.close();
});

async function choosePassword(page: Page, password: string): Promise<void> {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Save" }).click();
}

describe.runIf(HAS_CHROMIUM)("lost phone: Force New Password, then the user starts again", () => {
  test("the whole journey, in two browsers", async () => {
    const sup = await server.addUser("sam", { password: OLD_PASSWORD, role: "supervisor" });
    const supSecret = await server.enrolApp(sup);
    const carol = await server.addUser("carol", {
      password: OLD_PASSWORD,
      email: "carol@example.org",
    });
    const oldSecret = await server.enrolApp(carol);
    const supPage = supBrowser!.page;
    const page = userBrowser!.page;
    const supProblems = watchConsole(supPage);
    const userProblems = watchConsole(page);

    // Carol is signed in on her computer; a user sees no staff links.
    await page.goto(`${server.url}/login`);
    await submitLogin(page, "carol", OLD_PASSWORD);
    await enterCode(page, server.totpAt(oldSecret), "Confirm");
    expect(pathOf(page)).toBe("/");
    expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);

    // Sam, a supervisor, signs in and finds Carol.
    await supPage.goto(`${server.url}/login`);
    await submitLogin(supPage, "sam", OLD_PASSWORD);
    await enterCode(supPage, server.totpAt(supSecret), "Confirm");
    expect(pathOf(supPage)).toBe("/");
    expect(await supPage.getByRole("link", { name: "Settings" }).count()).toBe(0);
    await supPage.getByRole("link", { name: "Users" }).click();
    expect(await unlabelledInputs(supPage)).toEqual([]);
    await supPage.getByLabel("Search by username or email", { exact: true }).fill("car");
    await supPage.getByRole("button", { name: "Search" }).click();
    await supPage.getByRole("link", { name: "carol", exact: true }).click();
    expect(await supPage.getByRole("heading", { level: 1 }).textContent()).toBe("User carol");
    // Issue 12: the user's facts are a table, one row each.
    const appRow = supPage
      .getByRole("table", { name: "Account" })
      .getByRole("row", { name: /^App set up / })
      .getByRole("cell");
    expect(await appRow.textContent()).toBe("Yes");

    // Force New Password asks first, naming Carol; nothing has happened yet.
    await supPage.getByRole("button", { name: "Force New Password", exact: true }).click();
    expect(await supPage.getByRole("heading", { level: 1 }).textContent()).toBe(
      "Force New Password for carol?",
    );
    await page.reload();
    expect(pathOf(page)).toBe("/");
    await supPage.getByRole("button", { name: "Force New Password", exact: true }).click();
    expect(await supPage.getByRole("status").textContent()).toContain("Force New Password done");
    expect(await appRow.textContent()).toBe("No");

    // Carol's open session has ended.
    await page.reload();
    expect(pathOf(page)).toBe("/login");

    // She signs in with her current password and must choose a new one; a weak one is refused with the reason.
    await submitLogin(page, "carol", OLD_PASSWORD);
    expect(pathOf(page)).toBe("/login/new-password");
    expect(await unlabelledInputs(page)).toEqual([]);
    await choosePassword(page, "qwerty123456");
    // Issue 14: judged by zxcvbn, saying what it found.
    expect(await page.getByRole("alert").textContent()).toContain(
      "too easy to guess. It is a common password",
    );
    await choosePassword(page, OLD_PASSWORD);
    expect(await page.getByRole("alert").textContent()).toContain("differ from the current one");
    await choosePassword(page, NEW_PASSWORD);

    // The set-up screen again, with a NEW key read from the QR code's pixels.
    expect(pathOf(page)).toBe("/login/setup");
    await page.getByRole("button", { name: "Show QR code" }).click();
    const uri = await readQrCode(page.getByLabel("QR code for your authenticator app"));
    const newTotp = URI.parse(uri) as TOTP;
    expect(newTotp).toBeInstanceOf(TOTP);
    const newSecret = newTotp.secret.base32;
    expect(newSecret).not.toBe(oldSecret);

    // The old key's code is refused; the new key's code is saved.
    await enterCode(page, server.totpAt(oldSecret), "Save");
    expect(pathOf(page)).toBe("/login/setup");
    expect(await page.getByRole("alert").textContent()).toContain("not valid");
    await enterCode(page, newTotp.generate({ timestamp: server.clock.now() }), "Save");
    // Issue 11: the new recovery codes, shown once, then "sign in again".
    await page.getByRole("link", { name: "I have saved them: sign in again" }).click();
    expect(pathOf(page)).toBe("/login?notice=app_added");

    // The old password fails now.
    await submitLogin(page, "carol", OLD_PASSWORD);
    expect(pathOf(page)).toBe("/login");
    expect(await page.getByRole("alert").textContent()).toContain("incorrect");

    // The new password, then the old key's code fails and the new key's code works.
    server.clock.advance(STEP_MS);
    await submitLogin(page, "carol", NEW_PASSWORD);
    expect(pathOf(page)).toBe("/login/verify");
    await enterCode(page, server.totpAt(oldSecret), "Confirm");
    expect(pathOf(page)).toBe("/login/verify");
    expect(await page.getByRole("alert").textContent()).toContain("not valid");
    await enterCode(page, newTotp.generate({ timestamp: server.clock.now() }), "Confirm");
    expect(pathOf(page)).toBe("/");

    // Nobody forces their own password: Sam's own page has no such button.
    await supPage.goto(`${server.url}/users/${sup.id}`);
    expect(await supPage.getByRole("button", { name: "Force New Password" }).count()).toBe(0);

    expect([...supProblems, ...userProblems]).toEqual([]);
  });
});
