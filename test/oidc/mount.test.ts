// The provider mounted in Vestibule's app: URLs from PUBLIC_URL whatever Host,
// X-Forwarded-Host or X-Forwarded-Proto a client sends; X-Forwarded-For believed only
// from TRUST_PROXY; no-store and the security headers on every /oidc answer; a CSP that
// forbids inline script and style except the provider's own hashed form_post script.
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Oidc } from "../../src/oidc/provider.js";
import { LOGIN_PATH, type OidcServer, PUBLIC_URL, startOidcServer } from "./support/oidc-server.js";
import { authorize, REDIRECT_URI, relyingParty, signInPages } from "./support/relying-party.js";

const HOSTILE = {
  host: "evil.example",
  "x-forwarded-host": "evil-forwarded.example",
  "x-forwarded-proto": "http",
  "x-forwarded-port": "8443",
  forwarded: "host=evil-forwarded.example;proto=http",
};

/** A raw HTTP GET (node:http), so the Host header sent is exactly the one given. */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

function urlsIn(value: unknown): string[] {
  if (typeof value === "string") return /^[a-z]+:\/\//i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(urlsIn);
  return [];
}

let server: OidcServer;
let trusting: OidcServer;
const seenIps: Record<string, string[]> = { default: [], trusting: [] };
const recordIp = (name: string) => (oidc: Oidc) => {
  oidc.provider.use(async (ctx, next) => {
    seenIps[name]!.push(ctx.ip);
    await next();
  });
};
beforeAll(async () => {
  server = await startOidcServer({ beforeMount: recordIp("default") });
  trusting = await startOidcServer({
    env: { TRUST_PROXY: "127.0.0.1,::1" },
    beforeMount: recordIp("trusting"),
  });
});
afterAll(async () => {
  await server?.close();
  await trusting?.close();
});

describe("URLs come from PUBLIC_URL, never from the request", () => {
  it("discovery under a hostile Host, X-Forwarded-Host and X-Forwarded-Proto", async () => {
    const res = await rawGet(server.url, "/oidc/.well-known/openid-configuration", HOSTILE);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    expect(doc.issuer).toBe(`${PUBLIC_URL}/oidc`);
    const urls = urlsIn(doc);
    expect(urls.length).toBeGreaterThanOrEqual(7);
    for (const url of urls)
      expect(url.startsWith(`${PUBLIC_URL}/oidc/`) || url === `${PUBLIC_URL}/oidc`).toBe(true);
    expect(res.body).not.toMatch(/evil/);
  });

  it("the trip to the sign-in pages and back under a hostile Host", async () => {
    const user = await server.addUser("hostile-host");
    const rp = await relyingParty(server, await server.addClient({}));
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const browser = server.browser();
    const start = await browser.request(url.href, { headers: HOSTILE });
    expect(start.status).toBe(303);
    const toLogin = start.headers.get("location") ?? "";
    expect(toLogin.startsWith(LOGIN_PATH) || toLogin.startsWith(`${PUBLIC_URL}${LOGIN_PATH}`)).toBe(
      true,
    );
    const entry = await browser.request(toLogin, { headers: HOSTILE });
    expect(entry.status).toBe(303);
    expect(entry.headers.get("location")).toBe("/login");
    const resume = await signInPages(server, browser, user, HOSTILE);
    expect(resume.href.startsWith(`${PUBLIC_URL}/oidc/auth/`)).toBe(true);
    const back = await browser.request(resume.href, { headers: HOSTILE });
    const callback = new URL(back.headers.get("location") ?? "");
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(callback.searchParams.get("iss")).toBe(`${PUBLIC_URL}/oidc`);
  });

  it("X-Forwarded-For is believed only from TRUST_PROXY", async () => {
    const forwardedFor = { "x-forwarded-for": "203.0.113.9" };
    await rawGet(server.url, "/oidc/.well-known/openid-configuration", forwardedFor);
    await rawGet(trusting.url, "/oidc/.well-known/openid-configuration", forwardedFor);
    expect(seenIps.default!.at(-1)).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(seenIps.trusting!.at(-1)).toBe("203.0.113.9");
  });

  it("a path that only starts like /oidc is not the provider's", async () => {
    const res = await rawGet(server.url, "/oidcx/.well-known/openid-configuration", {});
    expect(res.status).toBe(404);
    expect(res.body).toContain("Not found");
  });
});

describe("headers on every /oidc answer", () => {
  it.each([
    ["discovery", "/oidc/.well-known/openid-configuration", 200],
    ["JWKS", "/oidc/jwks", 200],
    ["an error page", "/oidc/auth?client_id=nobody", 400],
    ["an unknown path", "/oidc/nothing-here", 404],
  ])(
    "%s: no-store, CSP, nosniff, no-referrer, HSTS, frame protection",
    async (_label, path, status) => {
      const res = await rawGet(server.url, path, {});
      expect(res.status).toBe(status);
      expect(res.headers["cache-control"]).toBe("no-store");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
      expect(res.headers["x-frame-options"]).toBeTruthy();
    },
  );

  it("the error page is a Vestibule page: escaped, no script, no style, no detail", async () => {
    const res = await rawGet(
      server.url,
      `/oidc/auth?client_id=${encodeURIComponent("<script>alert(1)</script>")}`,
      {},
    );
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toContain('<link rel="stylesheet" href="/assets/app.css">');
    expect(res.body).toContain("invalid_client");
    expect(res.body).not.toMatch(/<script|<style|\sstyle=|at \w+ \(/i);
  });

  it("response_mode=form_post: only the provider's own script runs (its sha256), and the form may reach the client", async () => {
    const user = await server.addUser("form-post");
    const rp = await relyingParty(server, await server.addClient({}));
    const browser = server.browser();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      response_mode: "form_post",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const start = await browser.request(url.href);
    await browser.request(start.headers.get("location") ?? "");
    const resume = await signInPages(server, browser, user);
    const page = await browser.request(resume.href);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const hash = createHash("sha256").update(script).digest("base64");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toContain("'none' 'sha256");
    expect(csp).toContain(`form-action 'self' ${new URL(REDIRECT_URI).origin}`);
    expect(html).toContain(`action="${REDIRECT_URI}"`);
  });
});

it("authorize() helper still completes after the hostile-header requests", async () => {
  const user = await server.addUser("after-hostile");
  const rp = await relyingParty(server, await server.addClient({}));
  const auth = await authorize(rp, server.browser(), { user });
  expect(auth.callback.searchParams.get("code")).toBeTruthy();
  expect(server.serverErrors).toEqual([]);
  expect(trusting.serverErrors).toEqual([]);
});

describe("a fault on our side", () => {
  let failing: OidcServer;
  const broken = { now: false };
  beforeAll(async () => {
    failing = await startOidcServer({
      wrapStorage: (storage) => ({
        ...storage,
        adapter(model) {
          const inner = storage.adapter(model);
          return {
            ...inner,
            find: async (id) => {
              if (broken.now) throw new Error("connection terminated unexpectedly");
              return inner.find(id);
            },
          };
        },
      }),
    });
  });
  afterAll(async () => {
    await failing?.close();
  });

  it("answers 503 with Retry-After and a page without detail, and reports it once", async () => {
    const registered = await failing.addClient({});
    broken.now = true;
    try {
      const page = await rawGet(failing.url, `/oidc/auth?client_id=${registered.clientId}`, {});
      expect(page.status).toBe(503);
      expect(page.headers["retry-after"]).toBe("5");
      expect(page.body).toContain("temporarily unavailable");
      expect(page.body).not.toContain("connection terminated");
      const token = await failing.fetch(`${PUBLIC_URL}/oidc/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${registered.clientId}:${registered.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: "x",
          redirect_uri: REDIRECT_URI,
        }),
      });
      expect(token.status).toBe(503);
      expect(await token.json()).toMatchObject({ error: "server_error" });
    } finally {
      broken.now = false;
    }
    expect(failing.serverErrors).toEqual([
      "Error: connection terminated unexpectedly",
      "Error: connection terminated unexpectedly",
    ]);
  });
});
