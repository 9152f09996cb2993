// Debian's chromium driven by playwright-core (never a downloaded browser), and a QR
// reader that works on pixels: a screenshot decoded with pngjs, then jsQR.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQRModule from "jsqr";
import "./chromium.js";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { inject } from "vitest";

/** The Chromium the browser tier's setup found (test/support/chromium.ts), "" when none. */
export const CHROMIUM_PATH = inject("chromium");
/** For `describe.runIf(HAS_CHROMIUM)`: without it the tier is skipped (a failure in CI). */
export const HAS_CHROMIUM = CHROMIUM_PATH !== "";

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * A chromium of its own with a fresh temporary profile (--user-data-dir, which
 * playwright only takes through launchPersistentContext). JavaScript can be switched
 * off for the whole browser, to prove the pages work without it.
 */
export async function launchBrowser(
  options: {
    javaScriptEnabled?: boolean;
    viewport?: { width: number; height: number };
    /** The browser's language (its Accept-Language). */
    locale?: string;
  } = {},
): Promise<TestBrowser> {
  const profileDir = mkdtempSync(join(tmpdir(), "vestibule-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: options.viewport ?? { width: 900, height: 1000 },
      locale: options.locale ?? "en-GB",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (err) {
    rmSync(profileDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

// jsqr is a UMD bundle whose module.exports is the function; its types describe an ES
// default export. Accept either shape.
type JsQR = typeof jsQRModule.default;
const jsQR: JsQR =
  typeof jsQRModule === "function" ? (jsQRModule as unknown as JsQR) : jsQRModule.default;

/** Decodes the QR code in a PNG image; undefined when there is none. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  return jsQR(pixels, image.width, image.height)?.data;
}

/** Screenshots the element (or the whole page) and reads the QR code drawn in it. */
export async function readQrCode(target: Locator | Page): Promise<string> {
  const png = await target.screenshot({ type: "png" });
  const text = decodeQrPng(png);
  if (text === undefined) throw new Error("no QR code could be read from the screenshot");
  return text;
}

/**
 * Collects console errors and warnings (CSP violations among them), page errors, and
 * failed subresources (a stylesheet that 404s, say), so a test can assert that none
 * happened. Chromium also logs "Failed to load resource" for every 4xx document; those
 * are our refusal pages (a wrong code answers 401), so the document's own status is
 * left to the test. The favicon is not part of the product and is not requested by it.
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error" && message.type() !== "warning") return;
    if (message.text().startsWith("Failed to load resource:")) return;
    problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("response", (response) => {
    const request = response.request();
    if (request.resourceType() === "document") return;
    if (new URL(request.url()).pathname === "/favicon.ico") return;
    if (response.status() >= 400) problems.push(`${response.status()}: ${request.url()}`);
  });
  page.on("requestfailed", (request) => {
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
  });
  return problems;
}

/**
 * Every visible form control has a visible <label for> naming it, and that label's text
 * finds the control the way a person (or a screen reader) would.
 */
export async function unlabelledInputs(page: Page): Promise<string[]> {
  const missing: string[] = [];
  const controls = page.locator("input:not([type=hidden]), select, textarea");
  for (const control of await controls.all()) {
    if (!(await control.isVisible())) continue;
    const id = await control.getAttribute("id");
    const name = (await control.getAttribute("name")) ?? "(no name)";
    const label = id ? page.locator(`label[for="${id}"]`) : undefined;
    if (!label || (await label.count()) !== 1 || !(await label.isVisible())) {
      missing.push(name);
      continue;
    }
    const text = ((await label.textContent()) ?? "").trim();
    const found = page.getByLabel(text, { exact: true });
    if (text === "" || (await found.count()) !== 1 || (await found.getAttribute("id")) !== id) {
      missing.push(name);
    }
  }
  return missing;
}

/** The page's path and query string (what follows the origin in the address bar). */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/**
 * Presses a button and waits for the page it leads to to load: a click returns once the
 * navigation commits, and a page.goto straight after would abort the rest of the load.
 */
export async function press(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name, exact: true }).first().click();
  await page.waitForLoadState("load");
}

/** Fills Username and Password on the Login page shown, and presses Login. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await press(page, "Login");
}

/** Types a code into "Verification code" and presses the screen's button. */
export async function enterCode(
  page: Page,
  code: string,
  button: "Confirm" | "Save",
): Promise<void> {
  await page.getByLabel("Verification code", { exact: true }).fill(code);
  await press(page, button);
}
