// Bad input anywhere: a clear page or a 4xx, never a 500 or a stack trace, nothing
// written; and no password, code or key in the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule;
let alice: User;
let secret: string;

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"] });
  alice = await t.addUser("alice");
  secret = await t.enrolApp(alice);
});
afterAll(async () => {
  await t.close();
});

const STACK = /\n\s+at |\.ts:\d+|\.js:\d+|node_modules/;

async function snapshot(): Promise<string> {
  const db = t.system.database.db;
  const rows = await Promise.all(
    (["users", "authenticators", "flows", "sessions"] as const).map((table) =>
      db.selectFrom(table).selectAll().execute(),
    ),
  );
  return JSON.stringify(rows);
}

function expectClean(res: { statusCode: number; body: string }): void {
  expect(res.statusCode).toBeLessThan(500);
  expect(res.body).not.toMatch(STACK);
}

async function atVerify(): Promise<Browser> {
  const b = t.browser();
  await b.get("/login");
  await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
  await b.get("/login/verify");
  return b;
}

describe("the Login form", () => {
  it.each([
    ["overlong username", { username: "a".repeat(5000), password: DEFAULT_PASSWORD }],
    ["overlong password", { username: "alice", password: "p".repeat(5000) }],
    ["missing username", { password: DEFAULT_PASSWORD }],
    ["missing password", { username: "alice" }],
    ["empty fields", { username: "", password: "" }],
    ["array username", { username: ["alice", "bob"], password: DEFAULT_PASSWORD }],
    ["array password", { username: "alice", password: [DEFAULT_PASSWORD, "x"] }],
    ["NUL and control characters", { username: "al\u0000ice\r\n", password: "\u0000" }],
  ])("%s → a clear 4xx page, no session, nothing written", async (_label, fields) => {
    const b = t.browser();
    await b.get("/login");
    const before = await snapshot();
    const res = await b.post("/login", fields);
    expectClean(res);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("The username or password is incorrect.");
    expect(b.jar.has("vst_signin")).toBe(false);
    expect(await snapshot()).toBe(before);
  });
  it("the username echoed back into the form is escaped", async () => {
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: '"><script>alert(1)</script>', password: "x" });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain("<script>");
    expect(res.body).toContain("&lt;script&gt;");
  });
});

describe("the code forms", () => {
  it.each([
    ["letters", { code: "abcdef" }],
    ["too short", { code: "123" }],
    ["too long", { code: "1234567" }],
    ["overlong", { code: "1".repeat(5000) }],
    ["missing", {}],
    ["array", { code: ["123456", "654321"] }],
  ])("verify: %s → 400 with the words, nothing counted", async (_label, fields) => {
    const b = await atVerify();
    const before = await snapshot();
    const res = await b.post("/login/verify", fields);
    expectClean(res);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Enter the 6-digit code.");
    expect(await snapshot()).toBe(before);
  });

  it("set-up: a non-digit code is refused and the key is not confirmed", async () => {
    await t.addUser("setupper");
    const b = t.browser();
    await b.get("/login");
    await b.post("/login", { username: "setupper", password: DEFAULT_PASSWORD });
    await b.get("/login/setup");
    for (const code of ["abcdef", ["1", "2"], "9".repeat(100)]) {
      const res = await b.post("/login/setup", { code });
      expectClean(res);
      expect(res.statusCode).toBe(400);
    }
    const user = await t.system.stores.users.findByUsername("setupper");
    expect((await t.system.stores.authenticators.get(user!.id))?.confirmedAt ?? null).toBeNull();
  });

  it("set-up: Save before Show QR code gives a clear page, not an error", async () => {
    await t.addUser("hasty");
    const b = t.browser();
    await b.get("/login");
    await b.post("/login", { username: "hasty", password: DEFAULT_PASSWORD });
    await b.get("/login/setup");
    const res = await b.post("/login/setup", { code: "123456" });
    expectClean(res);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });
});

describe("bodies and content types", () => {
  it("a JSON body is not a way around the form or its CSRF token", async () => {
    const b = t.browser();
    await b.get("/login");
    const before = await snapshot();
    const res = await b.request("POST", "/login", {
      body: JSON.stringify({ username: "alice", password: DEFAULT_PASSWORD }),
      headers: { "content-type": "application/json" },
    });
    expectClean(res);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ["text/plain", "username=alice"],
    ["application/xml", "<a/>"],
    ["multipart/form-data; boundary=x", "--x--"],
    ["application/json", "{not json"],
    ["application/x-www-form-urlencoded", "%%%=%zz&&&=="],
  ])("%s → 4xx page", async (type, body) => {
    const b = t.browser();
    await b.get("/login");
    const res = await b.request("POST", "/login", { body, headers: { "content-type": type } });
    expectClean(res);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });

  it("an oversize form → 413 page", async () => {
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "alice", password: "x".repeat(20_000) });
    expectClean(res);
    expect(res.statusCode).toBe(413);
  });

  it("a POST with no body at all → 415 (not a form post, issue 14), nothing written", async () => {
    const b = t.browser();
    await b.get("/login");
    const before = await snapshot();
    const res = await b.request("POST", "/login/verify");
    expectClean(res);
    expect(res.statusCode).toBe(415);
    expect(await snapshot()).toBe(before);
  });
});

describe("cookies and routes", () => {
  it("a URL Fastify cannot read (/login/%zz) → our 400 page with our headers, in the reader's language", async () => {
    for (const url of ["/login/%zz", "/%E0%A4%A", "/users/%"]) {
      const res = await t.app.inject({ method: "GET", url, headers: { "accept-language": "de" } });
      expectClean(res);
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toContain('<html lang="de">');
      expect(res.headers["content-security-policy"]).toContain("script-src 'none'");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["cache-control"]).toBe("no-store");
    }
  });

  it.each([
    ["garbage challenge", "vst_signin=garbage"],
    ["garbage session", "vst_session=%%%; vst_signin=%00"],
    ["huge cookie", `vst_session=${"a".repeat(3000)}`],
    ["odd characters", 'vst_session="\\"; vst_pre=é'],
  ])("forged cookies (%s) open nothing and break nothing", async (_label, cookie) => {
    for (const url of ["/", "/login", "/login/setup?show=1", "/login/verify"]) {
      const res = await t.app.inject({ method: "GET", url, headers: { cookie } });
      expectClean(res);
      if (url !== "/login") expect(res.statusCode).toBe(303);
    }
    const post = await t.app.inject({
      method: "POST",
      url: "/login/verify",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: "code=123456&_csrf=x",
    });
    expectClean(post);
    expect(post.statusCode).toBe(403);
  });

  it("a stale challenge cookie (expired sign-in) → back to Login, not an error", async () => {
    const b = await atVerify();
    t.clock.advance(11 * 60_000);
    const res = await b.post("/login/verify", { code: generateTotp(secret, t.clock.now()) });
    expectClean(res);
    expect(location(res)).toBe("/login?notice=expired");
  });

  it.each([
    ["GET", "/nope"],
    ["GET", "/login/../../etc/passwd"],
    ["GET", "/assets/../../package.json"],
    ["PUT", "/login"],
    ["DELETE", "/"],
    ["GET", `/${"x".repeat(5000)}`],
    ["GET", "/login?notice=<script>alert(1)</script>"],
    ["GET", "/login?notice[]=a&notice[]=b"],
    ["GET", "/login/setup?show=1&show=2"],
  ])("%s %s → 4xx or a clear page, no stack", async (method, url) => {
    const res = await t.app.inject({ method: method as "GET", url });
    expectClean(res);
    expect(res.body).not.toContain("<script>");
    expect(res.body).not.toContain('"name":"vestibule"');
  });
});

describe("logs", () => {
  it("never carry a password, a code or the key, even at debug level", async () => {
    const lines: string[] = [];
    const logged = await startVestibule({
      methods: ["app"],
      env: { LOG_LEVEL: "debug" },
      logStream: { write: (line) => void lines.push(line) },
    });
    try {
      const password = "unique-password-7f3a9c21";
      await logged.addUser("logan", { password });
      const b = logged.browser();
      await b.get("/login");
      await b.post("/login", { username: "logan", password: "wrong-password-55e1b0" });
      await b.post("/login", { username: "logan", password });
      await b.get("/login/setup?show=1");
      const key = manualKeyOf(b.html)!;
      const wrong = generateTotp(key, logged.clock.now() + 10 * 30_000);
      await b.post("/login/setup", { code: wrong });
      const code = generateTotp(key, logged.clock.now());
      await b.post("/login/setup", { code });
      logged.clock.advance(30_000);
      await b.get("/login");
      await b.post("/login", { username: "logan", password });
      await b.get("/login/verify");
      const code2 = generateTotp(key, logged.clock.now());
      await b.post("/login/verify", { code: code2 });
      expect(b.jar.has("vst_session")).toBe(true);
      // Bad requests log too: they must not echo the body.
      await b.request("POST", "/login", {
        body: `{"password":"${password}"`,
        headers: { "content-type": "application/json" },
      });

      const log = lines.join("");
      expect(lines.length).toBeGreaterThan(5); // the capture works
      expect(log).toContain("/login/verify");
      for (const secretThing of [
        password,
        "wrong-password-55e1b0",
        key,
        wrong,
        code,
        code2,
        b.jar.get("vst_session")!,
      ]) {
        expect(secretThing.length).toBeGreaterThan(5);
        expect(log).not.toContain(secretThing);
      }
    } finally {
      await logged.close();
    }
  });
});
