// The audit log and a user's page in Chromium, as an administrator uses them: filter by
// user, type and time through the form's labels, download the CSV by its link, and no
// axe-core violation at WCAG 2.2 A/AA on either page.
import { readFileSync } from "node:fs";
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

describe.runIf(HAS_CHROMIUM)("the audit log in a browser", () => {
  let server: Vestibule;
  let browser: TestBrowser;
  let page: Page;
  let ninaId = "";

  beforeAll(async () => {
    server = await startVestibule({ listen: true, clock: movingClock(), methods: ["app"] });
    const admin = await server.addUser("ada", { role: "administrator" });
    const secret = await server.enrolApp(admin);
    const nina = await server.addUser("nina", { displayName: "Nina N", email: "nina@example.org" });
    ninaId = nina.id;
    const { audit } = server.system.stores;
    // Events at known times: two of nina's a day apart, and one of somebody else.
    await audit.append({
      type: "signout",
      at: Date.UTC(2030, 0, 1, 9),
      userId: nina.id,
      username: "nina",
    });
    await audit.append({
      type: "signout",
      at: Date.UTC(2030, 0, 2, 9),
      userId: nina.id,
      username: "nina",
    });
    await audit.append({
      type: "signin_failed",
      at: Date.UTC(2030, 0, 2, 9, 5),
      username: "someone",
      detail: { step: "password", why: "unknown_user" },
    });
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Username", { exact: true }).fill("ada");
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Login" }).click();
    server.clock.advance(30_000);
    await page.getByLabel("Verification code").fill(server.totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const rows = () => page.locator("table.audit tbody tr");

  test("filters by user, type and time through the form", async () => {
    await page.goto(`${server.url}/audit`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("User", { exact: true }).fill("nina");
    await page.getByLabel("Event type").selectOption({ label: "Signed out" });
    await page.getByLabel("From (UTC)").fill("2030-01-02T00:00");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/audit\?/);
    expect(await rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain("2030-01-02 09:00:00 UTC");
    expect(await axeViolations(page)).toEqual([]);
  });

  test("the CSV link downloads what is filtered", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download these events as CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("audit.csv");
    const csv = readFileSync((await download.path())!, "utf8").replace(/^\ufeff/, "");
    const lines = csv.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('"2030-01-02T09:00:00.000Z","Signed out","signout","nina",,,');
  });

  test("the user page: facts in a table, no violation", async () => {
    await page.goto(`${server.url}/users/${ninaId}`);
    const facts = page.getByRole("table", { name: "Account" });
    await expect
      .poll(() => facts.getByRole("rowheader", { name: "Name", exact: true }).count())
      .toBe(1);
    expect(await facts.getByRole("row", { name: "Email nina@example.org" }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });

  test("both fit a 390-px phone: the audit table scrolls inside its own region", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/audit", `/users/${ninaId}`]) {
      await page.goto(`${server.url}${path}`);
      expect(await overflowX(page), path).toBe(0);
      expect(await axeViolations(page), path).toEqual([]);
    }
    // The table itself is wider than the phone: it scrolls in a focusable region.
    await page.goto(`${server.url}/audit`);
    const region = page.getByRole("region", { name: "Audit log" });
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  });
});
