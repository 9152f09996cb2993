// A real Caddy from Debian, started on loopback with the Caddyfile docs/integrate.md gives
// (read from the document itself, its names replaced by loopback addresses), protects a
// small upstream with forward_auth → Vestibule's /auth/forward. In Chromium a person is
// sent to sign in, then reaches the upstream, which sees Remote-User; a Remote-User a
// client sends itself never gets through; a request that does not accept HTML gets 401.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingHttpHeaders, Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../support/caddy.js";
import type { User } from "../../src/core/ports/users.js";
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from "../support/browser.js";
import {
  answering,
  decodedName,
  recordingUpstream,
  signInThroughProxy,
  signOutThenSentToSignIn,
  startVestibuleBehindProxy,
} from "../support/forward-proxy.js";
import type { Vestibule } from "../support/harness.js";
import { closeServer, freePort } from "../support/http.js";

const CADDY = inject("caddy");

/** The ```caddyfile block of docs/integrate.md: what a reader copies. */
function documentedCaddyfile(): string {
  const doc = readFileSync(new URL("../../docs/integrate.md", import.meta.url), "utf8");
  const block = /```caddyfile\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/integrate.md has no ```caddyfile block");
  return block;
}

/**
 * The documented site on loopback: plain http, no admin endpoint, no certificates, state
 * kept in the temp directory (XDG_* in the environment).
 */
function caddyfile(port: number, upstream: string, vestibule: string): string {
  const replace = (text: string, from: string, to: string): string => {
    if (!text.includes(from)) throw new Error(`the documented Caddyfile has no ${from}`);
    return text.replaceAll(from, to);
  };
  let site = documentedCaddyfile();
  site = replace(site, "wiki.example.org {", `http://127.0.0.1:${port} {\n\tbind 127.0.0.1`);
  site = replace(site, "vestibule.internal:3000", new URL(vestibule).host);
  site = replace(site, "wiki-backend:8080", new URL(upstream).host);
  return `{\n\tadmin off\n\tauto_https off\n}\n\n${site}`;
}

let v: Vestibule;
let upstream: Server;
let caddy: ChildProcess | undefined;
let dir = "";
let front = "";
let browser: TestBrowser;
let user: User;
let secret = "";
const seen: IncomingHttpHeaders[] = [];

describe.runIf(HAS_CHROMIUM && CADDY !== "")(
  "Caddy forward_auth in front of an application",
  () => {
    beforeAll(async () => {
      v = await startVestibuleBehindProxy();
      // No email: Remote-Email comes empty, and must still replace a client's own.
      user = await v.addUser("caddy-person", { displayName: "Zoë" });
      secret = await v.enrolApp(user);
      const app = await recordingUpstream(seen);
      upstream = app.server;
      dir = mkdtempSync(join(tmpdir(), "vestibule-caddy-"));
      const port = await freePort();
      front = `http://127.0.0.1:${port}`;
      const conf = join(dir, "Caddyfile");
      writeFileSync(conf, caddyfile(port, app.url, v.url));
      const log = join(dir, "caddy.log");
      const out = openSync(log, "a");
      caddy = spawn(CADDY, ["run", "--config", conf, "--adapter", "caddyfile"], {
        stdio: ["ignore", out, out],
        env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      });
      await answering(`${front}/`, () => readFileSync(log, "utf8"));
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      caddy?.kill();
      if (upstream) await closeServer(upstream);
      await v?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("a browser is sent to sign in, then reaches the application, which sees Remote-User", async () => {
      await signInThroughProxy(browser.page, v, user, secret, `${front}/reports?month=5`);
      const last = seen.at(-1)!;
      expect(last["remote-email"] ?? "").toBe("");
      expect(decodedName(last)).toBe("Zoë");
    });

    it("a Remote-User the client sends never gets through, signed in or not", async () => {
      const forged = {
        accept: "text/html",
        "remote-user": "administrator",
        "remote-name": "The Boss",
        "remote-groups": "administrator",
        "remote-email": "boss@example.org",
      };
      const before = seen.length;
      const anonymous = await fetch(`${front}/reports`, { headers: forged, redirect: "manual" });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toBe(
        `${v.url}/login?rd=${encodeURIComponent(`${front}/reports`)}`,
      );
      expect(seen.length).toBe(before);

      const forward = (await browser.context.cookies(front)).find((c) => c.name === "vst_forward");
      expect(forward).toBeDefined();
      const signedIn = await fetch(`${front}/reports`, {
        headers: { ...forged, cookie: `vst_forward=${forward!.value}` },
        redirect: "manual",
      });
      expect(signedIn.status).toBe(200);
      expect(seen.length).toBe(before + 1);
      const last = seen.at(-1)!;
      expect(last["remote-user"]).toBe(user.username);
      expect(last["remote-groups"]).toBe("user");
      expect(decodedName(last)).toBe("Zoë");
      // Vestibule's empty Remote-Email replaces the client's, it does not let it through.
      expect(last["remote-email"] ?? "").toBe("");
    });

    it("a request that does not accept HTML gets 401; a browser's POST is sent on with 303", async () => {
      const before = seen.length;
      const api = await fetch(`${front}/api/reports`, {
        headers: { accept: "application/json", "remote-user": "administrator" },
        redirect: "manual",
      });
      expect(api.status).toBe(401);
      expect(api.headers.get("location")).toBeNull();
      const post = await fetch(`${front}/reports`, {
        method: "POST",
        headers: { accept: "text/html", "content-type": "text/plain" },
        body: "month=5",
        redirect: "manual",
      });
      expect(post.status).toBe(303);
      expect(post.headers.get("location")).toMatch(new RegExp(`^${v.url}/login\\?rd=`));
      expect(seen.length).toBe(before);
    });

    it("after Sign out the application sends the browser to sign in again", async () => {
      await signOutThenSentToSignIn(browser.page, v, `${front}/reports`);
    });
  },
);
