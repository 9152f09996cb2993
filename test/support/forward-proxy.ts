// What the real-proxy forward-auth tests share (test/browser/nginx-forward-auth.test.ts,
// caddy-forward-auth.test.ts): the application behind the proxy, waiting for the proxy to
// answer, and a person's way through it to Vestibule's sign-in and back.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { DEFAULT_PASSWORD, movingClock, startVestibule, type Vestibule } from "./harness.js";
import { freePort, listenOnLoopback } from "./http.js";

/** Vestibule listening on loopback, answering the proxy on loopback, TOTP enabled. */
export async function startVestibuleBehindProxy(): Promise<Vestibule> {
  return startVestibule({
    listen: true,
    clock: movingClock(),
    methods: ["app"],
    env: { PUBLIC_URL: `http://127.0.0.1:${await freePort()}`, TRUST_PROXY: "loopback" },
  });
}

/** The application: records the headers it was given in `seen` and shows Remote-User. */
export async function recordingUpstream(
  seen: IncomingHttpHeaders[],
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><title>Upstream</title><p>Hello <span id="user">${req.headers["remote-user"] ?? ""}</span> (<span id="groups">${req.headers["remote-groups"] ?? ""}</span>)</p>`,
    );
  });
  return { server, url: await listenOnLoopback(server) };
}

/** Waits (5 s at most) until something answers HTTP at `url`; `why()` explains a failure. */
export async function answering(url: string, why: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { redirect: "manual" });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nothing answered at ${url}: ${why()}`);
}

/** A remote-name header as the application decodes it (UTF-8 bytes sent as Latin-1). */
export function decodedName(headers: IncomingHttpHeaders): string {
  return Buffer.from(String(headers["remote-name"]), "latin1").toString("utf8");
}

/**
 * Opens `target` behind the proxy, is sent to Vestibule's Login with `rd`, signs in with
 * password and TOTP through the real forms, and is back at `target` as `user`.
 */
export async function signInThroughProxy(
  page: Page,
  v: Vestibule,
  user: User,
  secret: string,
  target: string,
): Promise<void> {
  await page.goto(target);
  await page.waitForURL((u) => u.href.startsWith(`${v.url}/login?rd=`));
  expect(new URL(page.url()).searchParams.get("rd")).toBe(target);
  await page.getByLabel("Username", { exact: true }).fill(user.username);
  await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Login" }).click();
  await page.waitForURL((u) => u.pathname === "/login/verify");
  v.clock.advance(30_000);
  await page.getByLabel("Verification code", { exact: true }).fill(v.totp(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.waitForURL(target);
  expect(await page.locator("#user").textContent()).toBe(user.username);
  expect(await page.locator("#groups").textContent()).toBe("user");
}

/** Signs out at Vestibule; opening `target` behind the proxy then leads to Login again. */
export async function signOutThenSentToSignIn(
  page: Page,
  v: Vestibule,
  target: string,
): Promise<void> {
  await page.goto(`${v.url}/`);
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await page.waitForURL((u) => u.pathname === "/login");
  await page.goto(target);
  await page.waitForURL((u) => u.href.startsWith(`${v.url}/login?rd=`));
}
