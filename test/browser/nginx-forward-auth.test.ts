// A real nginx from Debian, started on loopback with a configuration in a temp directory,
// protects a small upstream with auth_request → Vestibule's /auth/nginx (the
// configuration docs/integrate.md gives, on plain http for a trial on one machine). In
// Chromium a person is sent to sign in, then reaches the upstream, which sees Remote-User;
// a Remote-User a client sends itself never gets through.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingHttpHeaders, Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../support/nginx.js";
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

const NGINX = inject("nginx");

/** The locations docs/integrate.md gives for nginx, on loopback ports. */
function nginxConfig(dir: string, port: number, upstream: string, vestibule: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};

    location / {
      auth_request /_vestibule;
      # Who signed in, from Vestibule's answer; set on the request to the application,
      # replacing whatever the client sent under these names.
      auth_request_set $vestibule_user $upstream_http_remote_user;
      auth_request_set $vestibule_name $upstream_http_remote_name;
      auth_request_set $vestibule_email $upstream_http_remote_email;
      auth_request_set $vestibule_groups $upstream_http_remote_groups;
      proxy_set_header Remote-User $vestibule_user;
      proxy_set_header Remote-Name $vestibule_name;
      proxy_set_header Remote-Email $vestibule_email;
      proxy_set_header Remote-Groups $vestibule_groups;
      # Not signed in: Vestibule's 401 carries the Login address (with rd).
      auth_request_set $vestibule_login $upstream_http_location;
      error_page 401 =302 $vestibule_login;
      proxy_pass ${upstream};
    }

    location = /_vestibule {
      internal;
      proxy_pass ${vestibule}/auth/nginx;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
  }
}
`;
}

let v: Vestibule;
let upstream: Server;
let nginx: ChildProcess | undefined;
let dir = "";
let front = "";
let browser: TestBrowser;
let user: User;
let secret = "";
const seen: IncomingHttpHeaders[] = [];

describe.runIf(HAS_CHROMIUM && NGINX !== "")(
  "nginx auth_request in front of an application",
  () => {
    beforeAll(async () => {
      v = await startVestibuleBehindProxy();
      user = await v.addUser("nginx-person", { email: "np@example.org", displayName: "Zoë" });
      secret = await v.enrolApp(user);
      const app = await recordingUpstream(seen);
      upstream = app.server;
      const upstreamUrl = app.url;
      dir = mkdtempSync(join(tmpdir(), "vestibule-nginx-"));
      const port = await freePort();
      front = `http://127.0.0.1:${port}`;
      const conf = join(dir, "nginx.conf");
      writeFileSync(conf, nginxConfig(dir, port, upstreamUrl, v.url));
      nginx = spawn(NGINX, ["-p", dir, "-c", conf, "-e", join(dir, "error.log")], {
        stdio: "ignore",
      });
      await answering(`${front}/`, () => "nginx did not start");
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      nginx?.kill();
      if (upstream) await closeServer(upstream);
      await v?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("a browser is sent to sign in, then reaches the application, which sees Remote-User", async () => {
      await signInThroughProxy(browser.page, v, user, secret, `${front}/reports?month=5`);
      const last = seen.at(-1)!;
      expect(last["remote-email"]).toBe("np@example.org");
      expect(decodedName(last)).toBe("Zoë");
    });

    it("a Remote-User the client sends never gets through, signed in or not", async () => {
      const forged = {
        "remote-user": "administrator",
        "remote-groups": "administrator",
        "remote-email": "boss@example.org",
      };
      const before = seen.length;
      const anonymous = await fetch(`${front}/reports`, { headers: forged, redirect: "manual" });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toMatch(new RegExp(`^${v.url}/login\\?rd=`));
      expect(seen.length).toBe(before);

      const cookies = await browser.context.cookies(front);
      const forward = cookies.find((c) => c.name === "vst_forward");
      expect(forward).toBeDefined();
      const signedIn = await fetch(`${front}/reports`, {
        headers: { ...forged, cookie: `vst_forward=${forward!.value}` },
        redirect: "manual",
      });
      expect(signedIn.status).toBe(200);
      const last = seen.at(-1)!;
      expect(last["remote-user"]).toBe(user.username);
      expect(last["remote-groups"]).toBe("user");
      expect(last["remote-email"]).toBe("np@example.org");
    });

    it("after Sign out the application sends the browser to sign in again", async () => {
      await signOutThenSentToSignIn(browser.page, v, `${front}/reports`);
    });
  },
);
