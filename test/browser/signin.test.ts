// Issue 2, end to end in a real chromium: a person signs in, sets up an authenticator
// app from a QR code read off the screen (pixels, not HTML), signs in again with a code,
// and signs out. Driven by labels and button names only, as a person would.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Secret, TOTP, URI } from "otpauth";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  HAS_CHROMIUM,
  launchBrowser,
  readQrCode,
  unlabelledInputs,
  watchConsole,
} from "../support/browser.js";
import { movingClock, startVestibule, type Vestibule } from "../support/harness.js";

const APP_NAME = "Acme Sign-in";
const PASSWORD = "correct horse battery staple";
const STEP_MS = 30_000;
// Each journey takes a few seconds alone; the margin is for a loaded CI machine running
// the rest of the suite beside it.
const JOURNEY_TIMEOUT_MS = 60_000;

let server: Vestibule;

beforeAll(async () => {
  server = await startVestibule({
    listen: true,
    clock: movingClock(),
    env: { APP_NAME },
    methods: ["app"],
  });
});

afterAll(async () => {
  await server?.close();
});

/** Where screenshots go when a person wants to look at them (never committed). */
async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Login" }).click();
}

function path(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** The session cookie's value as the browser holds it. */
async function sessionCookie(page: Page): Promise<string | undefined> {
  const cookies = await page.context().cookies();
  return cookies.find((c) => c.name === "vst_session")?.value;
}

/** GET / with only this cookie, no redirects followed. */
async function openHomeWith(session: string): Promise<Response> {
  return fetch(`${server.url}/`, {
    headers: { cookie: `vst_session=${session}` },
    redirect: "manual",
  });
}

describe.runIf(HAS_CHROMIUM)(
  "sign-in with an authenticator app, in chromium without JavaScript",
  () => {
    test(
      "Login → set up from the QR code → sign in again with a code → Sign out",
      async () => {
        const username = "alice@example.org";
        await server.addUser(username, { password: PASSWORD });
        const browser = await launchBrowser({ javaScriptEnabled: false });
        try {
          const { page } = browser;
          const problems = watchConsole(page);

          // A person opens the service and is sent to Login.
          await page.goto(`${server.url}/`);
          expect(path(page)).toBe("/login");
          await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
            `Sign in to ${APP_NAME}`,
          );
          expect(await unlabelledInputs(page)).toEqual([]);
          await login(page, username, PASSWORD);

          // No confirmed authenticator yet: the set-up screen, QR hidden until asked for.
          expect(path(page)).toBe("/login/setup");
          await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
            "Set up your authenticator app",
          );
          expect(await page.locator("svg").count()).toBe(0);
          await page.getByRole("button", { name: "Show QR code" }).click();
          expect(await unlabelledInputs(page)).toEqual([]);
          await snapshot(page, "setup-screen");

          // Read the key the way a phone does: from the pixels of the QR code.
          const qr = page.getByLabel("QR code for your authenticator app");
          const uri = await readQrCode(qr);
          const encodedIssuer = encodeURIComponent(APP_NAME);
          expect(uri).toMatch(
            new RegExp(`^otpauth://totp/${escapeRegExp(encodedIssuer)}:alice%40example\\.org\\?`),
          );
          const otp = URI.parse(uri);
          expect(otp).toBeInstanceOf(TOTP);
          const totp = otp as TOTP;
          expect(totp.issuer).toBe(APP_NAME);
          expect(totp.label).toBe(username);
          expect(new URL(uri).searchParams.get("issuer")).toBe(APP_NAME);
          expect([totp.algorithm, totp.digits, totp.period]).toEqual(["SHA1", 6, 30]);
          const secret = new URL(uri).searchParams.get("secret") ?? "";
          expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes, unpadded base32
          expect(Secret.fromBase32(secret).bytes.length).toBe(20);

          // The key for manual entry is the same key, grouped for reading.
          const manual = ((await page.locator("code").textContent()) ?? "").trim();
          expect(manual).toMatch(/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/);
          expect(manual.replace(/\s+/g, "")).toBe(secret);

          // Reloading shows the same key until it is confirmed.
          await page.reload();
          expect(await readQrCode(page.getByLabel("QR code for your authenticator app"))).toBe(uri);

          // Type the code the app shows and Save.
          const setupCode = totp.generate({ timestamp: server.clock.now() });
          await page.getByLabel("Verification code", { exact: true }).fill(setupCode);
          await page.getByRole("button", { name: "Save" }).click();

          // Issue 11: the recovery codes, shown once; then Login says the app was added
          // and asks to sign in again.
          const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
          expect(await codes.count()).toBe(10);
          await page.getByRole("link", { name: "I have saved them: sign in again" }).click();
          expect(path(page)).toBe("/login?notice=app_added");
          const notice = await page.getByRole("status").textContent();
          expect(notice).toContain("authenticator app has been added");
          expect(notice).toContain("sign in again");
          expect(await sessionCookie(page)).toBeUndefined();

          // Next sign-in: the verification screen.
          await login(page, username, PASSWORD);
          expect(path(page)).toBe("/login/verify");
          await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
            "Verification",
          );
          expect(await unlabelledInputs(page)).toEqual([]);

          // RFC 6238 §5.2: the code that confirmed the set-up has been used; it is refused,
          // and (issue 11) the page says why: wait for the next code.
          await page.getByLabel("Verification code", { exact: true }).fill(setupCode);
          await page.getByRole("button", { name: "Confirm" }).click();
          expect(path(page)).toBe("/login/verify");
          expect(await page.getByRole("alert").textContent()).toContain(
            "That code was just used. Wait for your app to show the next code",
          );

          // A new time step, a new code (the test clock moves instead of sleeping 30 s).
          server.clock.advance(STEP_MS);
          const code = totp.generate({ timestamp: server.clock.now() });
          expect(code).not.toBe(setupCode);
          await page.getByLabel("Verification code", { exact: true }).fill(code);
          await page.getByRole("button", { name: "Confirm" }).click();

          // Signed in: the home page names the user and offers Sign out.
          expect(path(page)).toBe("/");
          await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain(
            username,
          );
          const signOut = page.getByRole("button", { name: "Sign out" });
          expect(await signOut.count()).toBeGreaterThan(0);
          const cookies = await page.context().cookies();
          const session = cookies.find((c) => c.name === "vst_session");
          expect(session?.httpOnly).toBe(true);
          expect(session?.sameSite).toBe("Lax");
          expect(cookies.find((c) => c.name === "vst_signin")).toBeUndefined();
          const oldSession = session?.value ?? "";
          expect((await openHomeWith(oldSession)).status).toBe(200);

          await signOut.first().click();
          expect(path(page)).toBe("/login?notice=signed_out");
          expect(await page.getByRole("status").textContent()).toContain("signed out");
          expect(await sessionCookie(page)).toBeUndefined();

          // Sign out ended the session on the server: the old cookie opens nothing.
          const after = await openHomeWith(oldSession);
          expect(after.status).toBe(303);
          expect(after.headers.get("location")).toBe("/login");

          expect(problems).toEqual([]);
        } finally {
          await browser.close();
        }
      },
      JOURNEY_TIMEOUT_MS,
    );
  },
);

describe.runIf(HAS_CHROMIUM)(
  "wrong codes on the verification screen, in chromium with JavaScript",
  () => {
    test(
      "a wrong code says so; the fifth sends the person back to Login",
      async () => {
        const user = await server.addUser("bob", { password: PASSWORD });
        const secret = await server.enrolApp(user);
        const browser = await launchBrowser({ javaScriptEnabled: true });
        try {
          const { page } = browser;
          const problems = watchConsole(page);
          await page.goto(`${server.url}/login`);
          await login(page, "bob", PASSWORD);
          expect(path(page)).toBe("/login/verify");

          const wrong = wrongCode(secret);
          for (let attempt = 1; attempt <= 4; attempt++) {
            await page.getByLabel("Verification code", { exact: true }).fill(wrong);
            await page.getByRole("button", { name: "Confirm" }).click();
            expect(path(page)).toBe("/login/verify");
            expect(await page.getByRole("alert").textContent()).toBe(
              "That code is not valid. Check the code and try again.",
            );
            // The screen stays usable: the field is still there, labelled, and empty.
            expect(await unlabelledInputs(page)).toEqual([]);
            await expect(
              page.getByLabel("Verification code", { exact: true }).inputValue(),
            ).resolves.toBe("");
          }

          await page.getByLabel("Verification code", { exact: true }).fill(wrong);
          await page.getByRole("button", { name: "Confirm" }).click();
          expect(path(page)).toBe("/login?notice=too_many_codes");
          expect(await page.getByRole("status").textContent()).toBe(
            "Too many incorrect codes. Please sign in again.",
          );

          // The pending sign-in is gone: the verification screen no longer opens, and even
          // the right code cannot be sent to it.
          await page.goto(`${server.url}/login/verify`);
          expect(path(page)).toBe("/login?notice=expired");
          expect(await sessionCookie(page)).toBeUndefined();

          expect(problems).toEqual([]);
        } finally {
          await browser.close();
        }
      },
      JOURNEY_TIMEOUT_MS,
    );

    test(
      "the checks above can fail: a CSP violation and an unlabelled input are caught",
      async () => {
        const browser = await launchBrowser({ javaScriptEnabled: true });
        try {
          const { page } = browser;
          const problems = watchConsole(page);
          const real = await fetch(`${server.url}/login`);
          const csp = real.headers.get("content-security-policy") ?? "";
          expect(csp).toContain("script-src 'none'");
          // A page under our own CSP that carries an inline script, as an injection would,
          // and form controls a person could not name.
          await page.route(`${server.url}/probe`, (route) =>
            route.fulfill({
              status: 200,
              headers: { "content-type": "text/html", "content-security-policy": csp },
              body: `<!doctype html><title>probe</title><script>document.title='ran'</script>
<label for="a">Named</label><input id="a" name="named">
<input id="b" name="bare" placeholder="no label">
<label for="c" hidden>Hidden</label><input id="c" name="hidden-label">`,
            }),
          );
          await page.goto(`${server.url}/probe`);
          expect(await page.title()).toBe("probe");
          await expect.poll(() => problems.join("\n")).toContain("Content Security Policy");
          expect(await unlabelledInputs(page)).toEqual(["bare", "hidden-label"]);
        } finally {
          await browser.close();
        }
      },
      JOURNEY_TIMEOUT_MS,
    );
  },
);

/** A 6-digit code that no step in the ±1 window accepts, now or a step later. */
function wrongCode(secret: string): string {
  const now = server.clock.now();
  const valid = new Set(
    [-STEP_MS, 0, STEP_MS, 2 * STEP_MS].map((d) => server.totpAt(secret, now + d)),
  );
  for (let n = 0; ; n++) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
