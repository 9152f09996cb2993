// Forward-auth over HTTP (issue 10 part 2): what nginx (/auth/nginx) and Traefik or Caddy
// (/auth/forward) are told, who may pass, the return address `rd` on Login, the forward
// cookie on the cookie domain, and one sign-out. The proxy is played by inject() from an
// address in TRUST_PROXY; the real nginx is test/browser/nginx-forward-auth.test.ts.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAccessRule } from "../../src/core/access-rules.js";
import { setEnabledMethods } from "../../src/core/policy.js";
import type { User } from "../../src/core/ports/users.js";
import { forceNewPassword } from "../../src/core/supervision.js";
import { setUserActive } from "../../src/core/user-admin.js";
import {
  type Browser,
  continueAfterSave,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const PUBLIC_URL = "https://signin.example.org";
const APP = "https://wiki.example.org";
const PROXY_IP = "10.0.0.2";
const FORWARD = "__Secure-vst_forward";

let v: Vestibule;
beforeAll(async () => {
  v = await startVestibule({
    methods: ["app"],
    env: {
      PUBLIC_URL,
      FORWARD_AUTH_COOKIE_DOMAIN: ".example.org",
      TRUST_PROXY: "10.0.0.0/8",
    },
  });
});
afterAll(async () => {
  await v.close();
});

const loginFor = (url: string) => `${PUBLIC_URL}/login?rd=${encodeURIComponent(url)}`;

/** nginx's auth_request subrequest for a browser's request to `url`. */
function nginx(url: string, cookie?: string, ip = PROXY_IP, extra: Record<string, string> = {}) {
  return v.app.inject({
    method: "GET",
    url: "/auth/nginx",
    remoteAddress: ip,
    headers: {
      "x-original-url": url,
      "x-original-method": "GET",
      ...(cookie ? { cookie: `${FORWARD}=${cookie}` } : {}),
      ...extra,
    },
  });
}

/** Traefik's or Caddy's forward-auth request for a browser's `method` to `url`. */
function traefik(url: string, options: { cookie?: string; method?: string; accept?: string } = {}) {
  const u = new URL(url);
  return v.app.inject({
    method: "GET",
    url: "/auth/forward",
    remoteAddress: PROXY_IP,
    headers: {
      "x-forwarded-method": options.method ?? "GET",
      "x-forwarded-proto": u.protocol.slice(0, -1),
      "x-forwarded-host": u.host,
      "x-forwarded-uri": `${u.pathname}${u.search}`,
      accept: options.accept ?? "text/html,application/xhtml+xml,*/*;q=0.8",
      ...(options.cookie ? { cookie: `${FORWARD}=${options.cookie}` } : {}),
    },
  });
}

function forwardCookie(res: LightMyRequestResponse) {
  return (res.cookies as { name: string; value: string; domain?: string }[]).find(
    (c) => c.name === FORWARD,
  );
}

let n = 0;
async function enrolledUser(role: User["role"] = "user", extra: { email?: string | null } = {}) {
  const user = await v.addUser(`fw${++n}`, { role, email: extra.email ?? null });
  return { user, secret: await v.enrolApp(user) };
}

/**
 * A browser the proxy sent to Login with `rd`: password, then the app's code; returns the
 * browser (signed in) and the forward-auth cookie it ended with.
 */
async function signInFor(rd: string, who: { user: User; secret: string }) {
  const b = v.browser();
  const login = await b.get(`/login?rd=${encodeURIComponent(rd)}`);
  expect(login.statusCode).toBe(200);
  const password = await b.post("/login", {
    username: who.user.username,
    password: DEFAULT_PASSWORD,
  });
  expect(location(password)).toBe("/login/verify");
  await b.follow(password);
  v.clock.advance(30_000);
  const verified = await b.post("/login/verify", { code: v.totp(who.secret) });
  expect(verified.statusCode).toBe(303);
  expect(location(verified)).toBe(`/login?rd=${encodeURIComponent(rd)}`);
  const back = await b.follow(verified);
  return { b, back, cookie: forwardCookie(back)?.value };
}

describe("only the proxies in TRUST_PROXY are answered", () => {
  it("another caller gets 403 and no verdict, whatever X-Forwarded-For it claims", async () => {
    const who = await enrolledUser();
    const { cookie } = await signInFor(`${APP}/`, who);
    const outsider = await nginx(`${APP}/`, cookie, "192.0.2.7", { "x-forwarded-for": PROXY_IP });
    expect(outsider.statusCode).toBe(403);
    expect(outsider.headers["remote-user"]).toBeUndefined();
    expect(outsider.body).toContain("TRUST_PROXY");
    const forward = await v.app.inject({ url: "/auth/forward", remoteAddress: "192.0.2.7" });
    expect(forward.statusCode).toBe(403);
  });

  it("without TRUST_PROXY nobody is answered", async () => {
    const plain = await startVestibule({ env: { PUBLIC_URL } });
    try {
      const res = await plain.app.inject({
        url: "/auth/nginx",
        remoteAddress: "127.0.0.1",
        headers: { "x-original-url": `${PUBLIC_URL}/` },
      });
      expect(res.statusCode).toBe(403);
    } finally {
      await plain.close();
    }
  });
});

describe("nginx auth_request: /auth/nginx", () => {
  it("without a sign-in: 401 with a Location to Login carrying rd", async () => {
    const res = await nginx(`${APP}/page?x=1`);
    expect(res.statusCode).toBe(401);
    expect(res.headers.location).toBe(loginFor(`${APP}/page?x=1`));
    expect(res.headers["remote-user"]).toBeUndefined();
  });

  it("an address outside the cookie domain is not carried as rd", async () => {
    const res = await nginx("https://evil.example.com/");
    expect(res.statusCode).toBe(401);
    expect(res.headers.location).toBe(`${PUBLIC_URL}/login`);
  });

  it("a missing or relative X-Original-URL is the proxy's mistake: 400 saying what to send", async () => {
    for (const url of ["", "/page", "javascript:alert(1)"]) {
      const res = await nginx(url);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain("X-Original-URL");
    }
  });

  it("after sign-in: 200 with Remote-User, Remote-Name, Remote-Email, Remote-Groups", async () => {
    const who = await enrolledUser("supervisor", { email: "fw@example.org" });
    await v.system.stores.users.update(who.user.id, { displayName: "Zoë Łukasz" });
    const { back, cookie } = await signInFor(`${APP}/page`, who);
    expect(back.statusCode).toBe(302);
    expect(location(back)).toBe(`${APP}/page`);
    const res = await nginx(`${APP}/page`, cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers["remote-user"]).toBe(who.user.username);
    // UTF-8 bytes on the wire, as proxies pass them on.
    const name = Buffer.from(String(res.headers["remote-name"]), "latin1").toString("utf8");
    expect(name).toBe("Zoë Łukasz");
    expect(res.headers["remote-email"]).toBe("fw@example.org");
    expect(res.headers["remote-groups"]).toBe("supervisor");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("an unknown value is sent empty, never left out", async () => {
    const who = await enrolledUser("user");
    const { cookie } = await signInFor(`${APP}/`, who);
    const res = await nginx(`${APP}/`, cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers["remote-email"]).toBe("");
    expect(res.headers["remote-name"]).toBe(who.user.username);
    expect(Object.keys(res.headers)).toEqual(
      expect.arrayContaining(["remote-user", "remote-name", "remote-email", "remote-groups"]),
    );
  });
});

describe("Traefik ForwardAuth and Caddy forward_auth: /auth/forward", () => {
  it("a browser navigation is sent to Login: 302 for GET, 303 for other methods", async () => {
    const get = await traefik(`${APP}/doc?id=7`);
    expect(get.statusCode).toBe(302);
    expect(get.headers.location).toBe(loginFor(`${APP}/doc?id=7`));
    const post = await traefik(`${APP}/doc`, { method: "POST" });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe(loginFor(`${APP}/doc`));
  });

  it("a request that does not accept HTML gets a plain 401", async () => {
    const res = await traefik(`${APP}/api/items`, { accept: "application/json" });
    expect(res.statusCode).toBe(401);
    expect(res.headers.location).toBeUndefined();
  });

  it("after sign-in: 200 with the four headers", async () => {
    const who = await enrolledUser("administrator");
    const { cookie } = await signInFor(`${APP}/`, who);
    const res = await traefik(`${APP}/api/items`, { cookie, accept: "application/json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["remote-user"]).toBe(who.user.username);
    expect(res.headers["remote-groups"]).toBe("administrator");
  });

  it("headers that do not describe a request are the proxy's mistake: 400", async () => {
    const res = await v.app.inject({
      url: "/auth/forward",
      remoteAddress: PROXY_IP,
      headers: { "x-forwarded-proto": "gopher", "x-forwarded-host": "wiki.example.org" },
    });
    expect(res.statusCode).toBe(400);
  });
});

describe("rules per host", () => {
  it("signed in but not in the rule's roles: 403 from both endpoints, and Login never goes there", async () => {
    const deps = { stores: v.system.stores, clock: v.clock, audit: v.system.audit };
    const ruled = await setAccessRule(
      deps,
      "cli",
      { host: "payroll.example.org", roles: "supervisor,administrator" },
      null,
    );
    expect(ruled.ok).toBe(true);
    const payroll = "https://payroll.example.org/";
    const who = await enrolledUser("user");
    const { b, cookie } = await signInFor(`${APP}/`, who);
    expect((await nginx(payroll, cookie)).statusCode).toBe(403);
    const page = await traefik(payroll, { cookie });
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain("payroll.example.org is not open to your account");
    expect(page.headers["remote-user"]).toBeUndefined();
    // The signed-in browser at Login with that rd: told so, not sent there.
    const login = await b.get(`/login?rd=${encodeURIComponent(payroll)}`);
    expect(login.statusCode).toBe(403);
    expect(login.headers.location).toBeUndefined();
    // A supervisor passes.
    const boss = await enrolledUser("supervisor");
    const theirs = await signInFor(payroll, boss);
    expect(location(theirs.back)).toBe(payroll);
    expect((await nginx(payroll, theirs.cookie)).statusCode).toBe(200);
  });
});

describe("Login with rd", () => {
  it("a signed-in browser goes straight to an allowed rd, with a forward cookie on the domain", async () => {
    const who = await enrolledUser();
    const b = await v.signIn(who.user.username, who.secret);
    const res = await b.get(`/login?rd=${encodeURIComponent(`${APP}/x`)}`);
    expect(res.statusCode).toBe(302);
    expect(location(res)).toBe(`${APP}/x`);
    const set = (res.cookies as Record<string, unknown>[]).find((c) => c.name === FORWARD);
    expect(set).toMatchObject({
      domain: "example.org",
      path: "/",
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
    });
    expect((await nginx(`${APP}/x`, String(set?.value))).statusCode).toBe(200);
  });

  it.each([
    "https://evilexample.org/",
    "https://example.org.evil.com/",
    "//evil.com/",
    "https:/\\evil.com",
    "javascript:alert(1)",
    "http://wiki.example.org/",
    "https://wiki.example.org@evil.com/",
  ])("never follows %s, signed in or not: 400 and no redirect", async (rd) => {
    const who = await enrolledUser();
    const signedIn = await v.signIn(who.user.username, who.secret);
    for (const b of [signedIn, v.browser()]) {
      const res = await b.get(`/login?rd=${encodeURIComponent(rd)}`);
      expect(res.statusCode).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(forwardCookie(res)).toBeUndefined();
      expect(res.body).toContain("outside this organisation");
    }
  });

  it("the sign-in pages let their forms lead to rd's origin (CSP form-action), and only then", async () => {
    const b = v.browser();
    const login = await b.get(`/login?rd=${encodeURIComponent(`${APP}/`)}`);
    expect(login.headers["content-security-policy"]).toContain(`form-action 'self' ${APP};`);
    const who = await enrolledUser();
    const password = await b.post("/login", {
      username: who.user.username,
      password: DEFAULT_PASSWORD,
    });
    const verify = await b.follow(password);
    expect(verify.headers["content-security-policy"]).toContain(`form-action 'self' ${APP};`);
    const plain = await v.browser().get("/login");
    expect(plain.headers["content-security-policy"]).toContain("form-action 'self';");
  });

  it("rd rides on the flow: through the app's set-up and the sign-in after it", async () => {
    const user = await v.addUser(`fw${++n}`);
    const b = v.browser();
    await b.get(`/login?rd=${encodeURIComponent(`${APP}/after-setup`)}`);
    const password = await b.post("/login", {
      username: user.username,
      password: DEFAULT_PASSWORD,
    });
    expect(location(password)).toBe("/login/setup");
    await b.get("/login/setup?show=1");
    const key = /<code class="key" id="manual-key">([^<]*)<\/code>/.exec(b.html)?.[1];
    const secret = key!.replace(/\s+/g, "");
    const saved = await b.post("/login/setup", { code: v.totp(secret) });
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added");
    await b.get("/login?notice=app_added");
    const again = await b.post("/login", { username: user.username, password: DEFAULT_PASSWORD });
    await b.follow(again);
    v.clock.advance(30_000);
    const verified = await b.post("/login/verify", { code: v.totp(secret) });
    const back = await b.follow(verified);
    expect(location(back)).toBe(`${APP}/after-setup`);
  });
});

describe("one sign-out", () => {
  async function passing() {
    const who = await enrolledUser();
    const { b, cookie } = await signInFor(`${APP}/`, who);
    expect((await nginx(`${APP}/`, cookie)).statusCode).toBe(200);
    return { ...who, b, cookie: cookie! };
  }

  it("Sign out ends the forward cookie's session and clears the cookie on the domain", async () => {
    const { b, cookie } = await passing();
    await b.get("/");
    const out = await b.post("/logout", {});
    expect(location(out)).toBe("/login?notice=signed_out");
    const cleared = (out.cookies as Record<string, unknown>[]).find((c) => c.name === FORWARD);
    expect(cleared).toMatchObject({ value: "", domain: "example.org" });
    expect((await nginx(`${APP}/`, cookie)).statusCode).toBe(401);
  });

  it("Force New Password and deactivation end it too", async () => {
    const a = await passing();
    await forceNewPassword(v.system.staff.admin, "cli", a.user.id, null);
    expect((await nginx(`${APP}/`, a.cookie)).statusCode).toBe(401);
    const d = await passing();
    await setUserActive(v.system.staff.admin, "cli", d.user.id, false, null);
    expect((await nginx(`${APP}/`, d.cookie)).statusCode).toBe(401);
  });

  it("the forward cookie opens no Vestibule page (every application on the domain sees it)", async () => {
    const { cookie } = await passing();
    const res = await v.app.inject({
      url: "/",
      headers: { cookie: `__Host-vst_session=${cookie}` },
    });
    expect(res.statusCode).toBe(303);
    expect(location(res)).toBe("/login");
  });
});

describe("second factors turned off", () => {
  it("a password-only session does not pass, and Login with rd says why", async () => {
    const user = await v.addUser(`fw${++n}`);
    await setEnabledMethods(v.system.stores.settings, []);
    let b: Browser;
    try {
      b = await v.signIn(user.username);
      const res = await b.get(`/login?rd=${encodeURIComponent(`${APP}/`)}`);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("second factors are turned off here");
      expect(forwardCookie(res)).toBeUndefined();
    } finally {
      await setEnabledMethods(v.system.stores.settings, ["app"]);
    }
    // With second factors back on, Login with rd asks for a sign-in with one.
    const again = await b.get(`/login?rd=${encodeURIComponent(`${APP}/`)}`);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('action="/login"');
  });
});

describe("without FORWARD_AUTH_COOKIE_DOMAIN (a trial on one machine)", () => {
  it("the cookie is host-only and rd may lead only to PUBLIC_URL's host", async () => {
    const trial = await startVestibule({
      methods: ["app"],
      env: { PUBLIC_URL: "http://127.0.0.1:3000", TRUST_PROXY: "loopback" },
    });
    try {
      const user = await trial.addUser("trial");
      const secret = await trial.enrolApp(user);
      const b = await trial.signIn("trial", secret);
      const ok = await b.get(`/login?rd=${encodeURIComponent("http://127.0.0.1:8080/app")}`);
      expect(location(ok)).toBe("http://127.0.0.1:8080/app");
      const set = (ok.cookies as Record<string, unknown>[]).find((c) => c.name === "vst_forward");
      expect(set).toBeDefined();
      expect(set?.domain).toBeUndefined();
      const other = await b.get(`/login?rd=${encodeURIComponent("http://localhost:8080/")}`);
      expect(other.statusCode).toBe(400);
    } finally {
      await trial.close();
    }
  });
});
