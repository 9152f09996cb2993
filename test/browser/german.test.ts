// Issue 12: a person whose browser speaks German signs in in German, end to end in a real
// Chromium (locale de-DE, so its Accept-Language asks for de): password, set-up from the
// key on the screen, verification with a code typed as "123 456", home. Driven by the
// German labels and button names only.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from "../support/browser.js";
import {
  DEFAULT_PASSWORD,
  movingClock,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

describe.runIf(HAS_CHROMIUM)("signing in in German", () => {
  let server: Vestibule;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startVestibule({ listen: true, clock: movingClock(), methods: ["app"] });
    browser = await launchBrowser({ locale: "de-DE", javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const path = (page: Page) => {
    const url = new URL(page.url());
    return url.pathname + url.search;
  };
  const h1 = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

  async function anmelden(page: Page, username: string): Promise<void> {
    await page.getByLabel("Benutzername", { exact: true }).fill(username);
    await page.getByLabel("Passwort", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
  }

  test("Anmelden → Authenticator-App einrichten → Bestätigen → Startseite", async () => {
    await server.addUser("jonas");
    const { page } = browser;
    await page.goto(`${server.url}/`);
    expect(path(page)).toBe("/login");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    await anmelden(page, "jonas");

    // The set-up screen, in German: the steps, the QR code on request, the key as text.
    expect(path(page)).toBe("/login/setup");
    expect(await h1(page)).toBe("Authenticator-App einrichten");
    expect(await page.locator("ol.steps").textContent()).toContain("„Anderes Konto“");
    await page.getByRole("button", { name: "QR-Code anzeigen" }).click();
    expect(await page.getByRole("img", { name: /QR-Code/ }).count()).toBe(1);
    const key = ((await page.locator("#manual-key").textContent()) ?? "").replace(/\s+/g, "");
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    const code = server.totp(key);
    await page.getByLabel("Bestätigungscode", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Speichern" }).click();
    // The recovery codes (issue 11), in German too, then sign in again.
    expect(await h1(page)).toBe("Ihre Wiederherstellungscodes");
    await page.getByRole("link", { name: "Ich habe sie gespeichert: erneut anmelden" }).click();

    // Sign in again with the app, the code typed as the app shows it ("123 456").
    expect(path(page)).toBe("/login?notice=app_added");
    expect(await page.getByRole("status").textContent()).toContain("Authenticator-App");
    await anmelden(page, "jonas");
    expect(path(page)).toBe("/login/verify");
    expect(await h1(page)).toBe("Bestätigung");
    server.clock.advance(30_000);
    const next = server.totp(key);
    await page
      .getByLabel("Bestätigungscode", { exact: true })
      .fill(`${next.slice(0, 3)} ${next.slice(3)}`);
    await page.getByRole("button", { name: "Bestätigen" }).click();

    expect(path(page)).toBe("/");
    expect(await h1(page)).toBe("Willkommen, jonas");
    expect(await page.getByRole("button", { name: "Abmelden" }).count()).toBeGreaterThan(0);
  });
});
