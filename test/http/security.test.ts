// Issue 2's protections over HTTP: half-signed-in routes, id rotation, cookie flags,
// CSRF, security headers, audit events, /healthz.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  Browser,
  csrfOf,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule;
let alice: User;
let aliceSecret: string;

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"] });
  alice = await t.addUser("alice");
  aliceSecret = await t.enrolApp(alice);
  await t.addUser("newbie");
});
afterAll(async () => {
  await t.close();
});

async function atPasswordStepDone(username: string): Promise<Browser> {
  const b = t.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(res.statusCode).toBe(303);
  await b.follow(res);
  return b;
}

/** Counts rows that a refused request must not have changed. */
async function snapshot(): Promise<string> {
  const db = t.system.database.db;
  const rows = await Promise.all(
    (["users", "authenticators", "flows", "sessions"] as const).map((table) =>
      db.selectFrom(table).selectAll().execute(),
    ),
  );
  return JSON.stringify(rows);
}

describe("half-signed-in (challenge cookie only)", () => {
  it("/ redirects to Login; no page past the password opens", async () => {
    const b = await atPasswordStepDone("alice"); // at verify
    const home = await b.get("/");
    expect(home.statusCode).toBe(303);
    expect(location(home)).toBe("/login");
    // The challenge cookie is not a session cookie under another name.
    const forged = new Browser(t.app);
    forged.jar.set("vst_session", b.jar.get("vst_signin")!);
    expect(location(await forged.get("/"))).toBe("/login");
  });

  it("every step route sends a half-signed-in browser to its own step", async () => {
    const b = await atPasswordStepDone("newbie"); // at setup_app
    const verify = await b.get("/login/verify");
    expect(verify.statusCode).toBe(303);
    expect(location(verify)).toBe("/login/setup");
    const change = await b.get("/login/new-password");
    expect(location(change)).toBe("/login/setup");
    // A POST to a later step does not sign in.
    const before = await snapshot();
    const post = await b.post("/login/verify", { code: "123456" });
    expect(post.statusCode).toBe(303);
    expect(b.jar.has("vst_session")).toBe(false);
    expect(await snapshot()).toBe(before);
    const pw = await b.post("/login/new-password", {
      newPassword: "quiet meadow copper kettle",
      confirmPassword: "quiet meadow copper kettle",
    });
    expect(pw.statusCode).toBe(303);
    expect(await snapshot()).toBe(before);
    expect((await b.get("/")).statusCode).toBe(303);
  });

  it("a browser at verify cannot go back to set-up to see or replace a key", async () => {
    const b = await atPasswordStepDone("alice");
    const setup = await b.get("/login/setup?show=1");
    expect(setup.statusCode).toBe(303);
    expect(location(setup)).toBe("/login/verify");
    const before = await snapshot();
    const save = await b.post("/login/setup", { code: generateTotp(aliceSecret, t.clock.now()) });
    expect(save.statusCode).toBe(303);
    expect(b.jar.has("vst_session")).toBe(false);
    expect(await snapshot()).toBe(before);
  });

  it("without any cookie every step page goes to Login", async () => {
    const b = t.browser();
    for (const url of [
      "/login/setup",
      "/login/setup?show=1",
      "/login/verify",
      "/login/new-password",
    ]) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(303);
      expect(location(res)).toMatch(/^\/login/);
    }
  });
});

describe("ids and cookies", () => {
  it("the challenge cookie rotates at each step and the session id is never the challenge's", async () => {
    const jill = await t.addUser("jill", { mustChange: true });
    const b = t.browser();
    await b.get("/login");
    const pre = b.jar.get("vst_pre");
    expect(pre).toBeDefined();
    await b.post("/login", { username: "jill", password: DEFAULT_PASSWORD });
    const c1 = b.jar.get("vst_signin")!;
    await b.get("/login/new-password");
    await b.post("/login/new-password", {
      newPassword: "quiet meadow copper kettle",
      confirmPassword: "quiet meadow copper kettle",
    });
    const c2 = b.jar.get("vst_signin")!;
    expect(c2).toBeDefined();
    expect(c2).not.toBe(c1);
    // The old value is dead.
    const old = new Browser(t.app);
    old.jar.set("vst_signin", c1);
    expect(location(await old.get("/login/setup"))).toBe("/login?notice=expired");

    const secret = await t.enrolApp(jill);
    t.clock.advance(30_000);
    await b.get("/login");
    await b.post("/login", { username: "jill", password: "quiet meadow copper kettle" });
    const c3 = b.jar.get("vst_signin")!;
    await b.get("/login/verify");
    await b.post("/login/verify", { code: generateTotp(secret, t.clock.now()) });
    const session = b.jar.get("vst_session")!;
    expect(session).toBeDefined();
    for (const earlier of [pre, c1, c2, c3]) expect(session).not.toBe(earlier);
    expect(b.jar.has("vst_signin")).toBe(false);
  });

  it("a session ends on the server when its time is up", async () => {
    t.clock.advance(60_000);
    const b = await t.signIn("alice", aliceSecret);
    expect((await b.get("/")).statusCode).toBe(200);
    t.clock.advance(8 * 3_600_000);
    const late = await b.get("/");
    expect(late.statusCode).toBe(303);
    expect(location(late)).toBe("/login");
  });

  it("cookies are HttpOnly and SameSite=Lax, not Secure over http", async () => {
    const b = t.browser();
    const login = await b.get("/login");
    const pwd = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    await b.get("/login/verify");
    const verify = await b.post("/login/verify", {
      code: generateTotp(aliceSecret, t.clock.now() + 30_000),
    });
    for (const res of [login, pwd, verify]) {
      const raw = [res.headers["set-cookie"] ?? []].flat();
      expect(raw.length).toBeGreaterThan(0);
      for (const line of raw) {
        expect(line).toMatch(/; HttpOnly/i);
        expect(line).toMatch(/; SameSite=Lax/i);
        expect(line).not.toMatch(/; Secure/i);
        expect(line).toMatch(/; Path=\//);
      }
    }
    expect(location(verify)).toBe("/");
  });

  it("over https: Secure and the __Host- prefix", async () => {
    const s = await startVestibule({
      methods: ["app"],
      env: { PUBLIC_URL: "https://signin.example.org" },
    });
    try {
      await s.addUser("sam");
      const b = s.browser();
      const login = await b.get("/login");
      const pwd = await b.post("/login", { username: "sam", password: DEFAULT_PASSWORD });
      expect(location(pwd)).toBe("/login/setup");
      const lines = [login, pwd].flatMap((r) => [r.headers["set-cookie"] ?? []].flat());
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const line of lines) {
        expect(line).toMatch(/^__Host-vst_/);
        expect(line).toMatch(/; Secure/i);
        expect(line).toMatch(/; HttpOnly/i);
        expect(line).toMatch(/; SameSite=Lax/i);
        expect(line).toMatch(/; Path=\/(;|$)/);
        expect(line).not.toMatch(/; Domain=/i);
      }
      expect(String(login.headers["strict-transport-security"])).toMatch(/max-age=\d+/);
      // Unprefixed cookies are ignored there.
      const plain = new Browser(s.app);
      plain.jar.set("vst_signin", b.jar.get("__Host-vst_signin")!);
      expect(location(await plain.get("/login/setup"))).toBe("/login?notice=expired");
    } finally {
      await s.close();
    }
  });
});

describe("CSRF", () => {
  it("a POST without a token, with a wrong one, or with another browser's is refused, nothing written", async () => {
    const mine = t.browser();
    await mine.get("/login");
    const theirs = t.browser();
    await theirs.get("/login");
    const theirToken = csrfOf(theirs.html);
    expect(theirToken).toMatch(/^[0-9a-f]{64}$/);
    const auditBefore = (await t.system.stores.audit.list({ limit: 1000 })).length;
    const before = await snapshot();
    for (const csrf of [null, "", "0".repeat(64), theirToken, csrfOf(mine.html).toUpperCase()]) {
      const res = await mine.post(
        "/login",
        { username: "alice", password: DEFAULT_PASSWORD },
        { csrf },
      );
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("This form has expired");
      expect(mine.jar.has("vst_signin")).toBe(false);
    }
    expect(await snapshot()).toBe(before);
    expect((await t.system.stores.audit.list({ limit: 1000 })).length).toBe(auditBefore);
  });

  it("a token from the Login page is worthless after the cookie rotates", async () => {
    const b = t.browser();
    await b.get("/login");
    const loginToken = csrfOf(b.html);
    await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    await b.get("/login/verify");
    const verifyToken = csrfOf(b.html);
    expect(verifyToken).not.toBe(loginToken);
    const before = await snapshot();
    const res = await b.post(
      "/login/verify",
      { code: generateTotp(aliceSecret, t.clock.now() + 60_000) },
      { csrf: loginToken },
    );
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it("Sign out needs the session's token; without it the session lives", async () => {
    t.clock.advance(120_000);
    const b = await t.signIn("alice", aliceSecret);
    const res = await b.post("/logout", {}, { csrf: null });
    expect(res.statusCode).toBe(403);
    expect((await b.get("/")).statusCode).toBe(200);
  });

  it("every form on the pages carries a _csrf field", async () => {
    const b = await atPasswordStepDone("newbie");
    const forms = [
      (await b.get("/login/setup")).body,
      (await b.get("/login/setup?show=1")).body,
      (await t.browser().get("/login")).body,
    ];
    for (const html of forms) {
      const posts = html.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
      expect(posts.length).toBeGreaterThan(0);
      for (const form of posts) expect(csrfOf(form)).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe("form posts to paths that take none", () => {
  it("are refused as an expired form (403), whatever the body, like posts to form routes", async () => {
    for (const url of ["/nowhere", "/healthz", "/assets/app.css"]) {
      for (const [type, payload] of [
        ["application/x-www-form-urlencoded", "a=1"],
        ["application/json", '{"a":1}'],
        ["text/xml", "<a/>"],
      ] as const) {
        const res = await t.app.inject({
          method: "POST",
          url,
          payload,
          headers: { "content-type": type },
        });
        expect(res.statusCode, `${url} ${type}`).toBe(403);
        expect(res.body).toContain("This form has expired");
      }
    }
  });
});

describe("headers", () => {
  it("CSP allows no inline script; the usual headers are there", async () => {
    for (const url of ["/login", "/nope", "/healthz"]) {
      const res = await t.browser().get(url);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("script-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      // The whole policy, as it has been since issue 2 (helmet's defaults with ours).
      expect(csp).toBe(
        "default-src 'none';base-uri 'none';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'none';script-src-attr 'none';style-src 'self'",
      );
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
  });

  it("no inline script or handler in the pages", async () => {
    const b = await atPasswordStepDone("newbie");
    for (const body of [
      (await b.get("/login/setup?show=1")).body,
      (await t.browser().get("/login")).body,
    ]) {
      expect(body).not.toMatch(/<script/i);
      expect(body).not.toMatch(/\son[a-z]+=/i);
      expect(body).not.toMatch(/\sstyle=/i);
    }
  });

  it("pages after a sign-in step are not cached", async () => {
    const b = await atPasswordStepDone("alice");
    expect((await b.get("/login/verify")).headers["cache-control"]).toBe("no-store");
  });
});

describe("audit", () => {
  it("stores signin_ok, signin_failed, authenticator_added and second_factor_locked", async () => {
    const a = await startVestibule({
      methods: ["app"],
      env: { LIMIT_SECOND_FACTOR: "2/3600/900" },
    });
    try {
      const kim = await a.addUser("kim");
      const b = a.browser();
      await b.get("/login");
      await b.post("/login", { username: "kim", password: "wrong password!" });
      await b.post("/login", { username: "nobody", password: "wrong password!" });
      await b.post("/login", { username: "kim", password: DEFAULT_PASSWORD });
      await b.get("/login/setup?show=1");
      const { manualKeyOf } = await import("../support/harness.js");
      const secret = manualKeyOf(b.html)!;
      await b.post("/login/setup", { code: generateTotp(secret, a.clock.now()) });
      a.clock.advance(30_000);
      await a.signIn("kim", secret);
      // Two wrong codes lock the second factor with this config.
      a.clock.advance(30_000);
      const c = a.browser();
      await c.get("/login");
      await c.post("/login", { username: "kim", password: DEFAULT_PASSWORD });
      await c.get("/login/verify");
      await c.post("/login/verify", { code: "000000" === a.totp(secret) ? "111111" : "000000" });
      await c.post("/login/verify", { code: "999999" === a.totp(secret) ? "111111" : "999999" });

      const events = await a.system.stores.audit.list({ limit: 100 });
      const types = events.map((e) => e.type);
      expect(types).toContain("signin_ok");
      expect(types).toContain("authenticator_added");
      expect(types).toContain("second_factor_locked");
      const failed = events.filter((e) => e.type === "signin_failed");
      expect(failed.map((e) => e.detail.why).sort()).toEqual(["unknown_user", "wrong_password"]);
      expect(failed.find((e) => e.detail.why === "wrong_password")?.userId).toBe(kim.id);
      expect(events.find((e) => e.type === "signin_ok")).toMatchObject({
        userId: kim.id,
        ip: "127.0.0.1",
        detail: { method: "app" },
      });
      // Nothing secret in any event.
      const dump = JSON.stringify(events);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(DEFAULT_PASSWORD);
      expect(dump).not.toContain("wrong password!");
    } finally {
      await a.close();
    }
  });
});

describe("/healthz", () => {
  it("200 while the database answers, 503 once it is closed", async () => {
    const h = await startVestibule();
    try {
      const ok = await h.app.inject({ method: "GET", url: "/healthz" });
      expect(ok.statusCode).toBe(200);
      await h.system.database.close();
      const down = await h.app.inject({ method: "GET", url: "/healthz" });
      expect(down.statusCode).toBe(503);
      expect(down.body).not.toMatch(/at .*\.(ts|js):\d+/);
      // Other pages answer 503 too, with a page, not a stack trace.
      const home = await h.app.inject({
        method: "GET",
        url: "/",
        headers: { cookie: "vst_session=whatever" },
      });
      expect(home.statusCode).toBe(503);
      expect(home.body).toContain("Service unavailable");
      expect(home.body).not.toMatch(/at .*\.(ts|js):\d+/);
    } finally {
      await h.close();
    }
  });
});
