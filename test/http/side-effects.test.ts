// Security review, items 3–5: a GET never sends a code; Sign out ends the pending
// sign-in on the server; notice keys are looked up as own keys only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/core/secrets.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  Browser,
  csrfOf,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

let smtp: TestSmtpServer;
const apps: Vestibule[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await smtp.close();
});

async function emailApp(): Promise<Vestibule> {
  const a = await startVestibule({
    methods: ["email"],
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: "Acme <no-reply@acme.test>",
      DELIVERY_TIMEOUT_MS: "5000",
      LIMIT_CODE_USER_BURST: "100/30",
      LIMIT_CODE_USER: "100/900",
      LIMIT_CODE_DESTINATION: "100/3600",
      LIMIT_CODE_IP: "100/3600",
      // The email proof before a forced change (issue 14, on with SMTP) has its own test.
      FORCED_CHANGE_EMAIL_CODE: "off",
    },
  });
  apps.push(a);
  return a;
}

let seq = 0;
function uniqueEmail(name: string): string {
  seq += 1;
  return `${name}${seq}@side.test`;
}
const mailsTo = (to: string) => smtp.messages.filter((m) => m.to === to);
/**
 * Nothing to wait for: a code is sent inside the request that sends it (the response
 * comes after the mail server's answer), and the test SMTP server records a message
 * before it answers. So once a response is in, every code it sent has arrived.
 */

describe("no GET sends a code", () => {
  let a: Vestibule;
  beforeAll(async () => {
    a = await emailApp();
  });

  it("the password POST sends the first code; views of the page send nothing", async () => {
    const email = uniqueEmail("pia");
    await a.addUser("pia", { email });
    const b = a.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "pia", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/verify");
    // Sent before the browser ever asked for the page.
    await smtp.waitFor(() => mailsTo(email).length === 1);
    for (let i = 0; i < 3; i++) {
      const page = await b.get("/login/verify");
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("We sent a verification code");
    }
    expect(mailsTo(email)).toHaveLength(1);
  });

  it("after a failed first send, reloads (a prefetcher, a cross-site link) send nothing; the button does", async () => {
    const email = uniqueEmail("quin");
    const quin = await a.addUser("quin", { email });
    smtp.rejectNext(550);
    const b = a.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "quin", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/verify?unsent=send_failed");
    const page = await b.follow(res);
    expect(page.body).toContain("We could not send the code");
    // A page view, many times, with and without the query, and from "another site"
    // (a top-level navigation carries the Lax cookie): nothing goes out.
    for (const url of ["/login/verify", "/login/verify", res.headers.location as string]) {
      const again = await b.request("GET", url, { headers: { "sec-fetch-site": "cross-site" } });
      expect(again.statusCode).toBe(200);
    }
    expect(mailsTo(email)).toHaveLength(0);
    const sentAudits = (await a.system.stores.audit.list({ userId: quin.id, limit: 50 })).filter(
      (e) => e.type === "code_sent",
    );
    expect(sentAudits).toHaveLength(0);
    // The send button (a POST with the page's CSRF token) does send.
    const send = await b.post("/login/code", { method: "email" });
    expect(location(send)).toBe("/login/verify");
    await smtp.waitFor(() => mailsTo(email).length === 1);
  });

  it("the forced new-password POST that leads to verification sends the first code there", async () => {
    const email = uniqueEmail("rex");
    await a.addUser("rex", { email, mustChange: true });
    const b = a.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "rex", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/new-password");
    await b.follow(res);
    expect(mailsTo(email)).toHaveLength(0);
    const changed = await b.post("/login/new-password", {
      newPassword: "maple harbour signal crimson",
      confirmPassword: "maple harbour signal crimson",
    });
    expect(location(changed)).toBe("/login/verify");
    await smtp.waitFor(() => mailsTo(email).length === 1);
  });

  it("forged failure keys and waits show nothing odd", async () => {
    const email = uniqueEmail("sol");
    await a.addUser("sol", { email });
    const b = a.browser();
    await b.get("/login");
    await b.post("/login", { username: "sol", password: DEFAULT_PASSWORD });
    for (const query of [
      "unsent=constructor",
      "unsent=__proto__",
      "unsent=toString",
      "unsent=bad_credentials",
      "unsent[]=send_failed",
    ]) {
      const page = await b.get(`/login/verify?${query}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain("could not send");
      expect(page.body).not.toContain("incorrect");
      expect(page.body).not.toMatch(/function|\[object|native code/);
    }
    // A known key shows its fixed words; a wait that is not a small number is dropped.
    for (const wait of ["99999999999", "-5", "1e9", "abc"]) {
      const page = await b.get(`/login/verify?unsent=send_throttled&wait=${wait}`);
      expect(page.body).toContain("Too many codes sent. Please wait before asking again.</p>");
      expect(page.body).not.toContain("Try again in");
    }
    const capped = await b.get("/login/verify?unsent=send_throttled&wait=99999");
    expect(capped.body).toContain("Try again in about 24 hours.");
  });
});

describe("Sign out ends the pending sign-in on the server", () => {
  let t: Vestibule;
  beforeAll(async () => {
    t = await startVestibule({ methods: ["app"] });
    apps.push(t);
  });

  it("mid set-up: the challenge row and its key go; the old cookie opens nothing", async () => {
    const user = await t.addUser("uma");
    const b = t.browser();
    await b.get("/login");
    await b.post("/login", { username: "uma", password: DEFAULT_PASSWORD });
    const key = manualKeyOf((await b.get("/login/setup?show=1")).body)!;
    const cookie = b.jar.get("vst_signin")!;
    const csrf = csrfOf(b.html);

    // Without the page's CSRF token nothing ends.
    expect((await b.post("/logout", {}, { csrf: "forged" })).statusCode).toBe(403);
    expect(await t.system.stores.flows.find(hashToken(cookie), t.clock.now())).toBeDefined();

    const out = await b.post("/logout", {}, { csrf });
    expect(location(out)).toBe("/login?notice=signed_out");
    expect(b.jar.has("vst_signin")).toBe(false);
    expect(await t.system.stores.flows.find(hashToken(cookie), t.clock.now())).toBeUndefined();
    expect(await t.system.stores.flows.getSetupKey(hashToken(cookie))).toBeUndefined();

    // Someone who kept the cookie can neither see nor confirm the key.
    const replay = new Browser(t.app);
    replay.jar.set("vst_signin", cookie);
    const page = await replay.get("/login/setup?show=1");
    expect(location(page)).toBe("/login?notice=expired");
    expect(page.body).not.toContain(key);
    await replay.get("/login");
    replay.jar.set("vst_signin", cookie);
    await replay.post("/login/setup", { code: generateTotp(key, t.clock.now()) });
    expect(await t.system.stores.authenticators.get(user.id)).toBeUndefined();
  });

  it("signed in with a second sign-in pending in the same browser: both end", async () => {
    const vera = await t.addUser("vera");
    const secret = await t.enrolApp(vera);
    const b = await t.signIn("vera", secret);
    const session = b.jar.get("vst_session")!;
    await b.get("/login");
    t.clock.advance(30_000);
    const res = await b.post("/login", { username: "vera", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/verify");
    const pending = b.jar.get("vst_signin")!;
    const home = await b.get("/");
    expect(home.body).toContain("Sign out");
    await b.post("/logout", {});
    expect(await t.system.stores.sessions.find(hashToken(session), t.clock.now())).toBeUndefined();
    expect(await t.system.stores.flows.find(hashToken(pending), t.clock.now())).toBeUndefined();
  });
});

describe("notice keys are own keys only", () => {
  let t: Vestibule;
  beforeAll(async () => {
    t = await startVestibule({ methods: [] });
    apps.push(t);
  });

  const PROTO_KEYS = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
  const leaked = /function|\[object|native code|class="notice"/;

  it("Login page", async () => {
    const b = t.browser();
    for (const key of PROTO_KEYS) {
      const page = await b.get(`/login?notice=${key}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toMatch(leaked);
    }
    expect((await b.get("/login?notice=signed_out")).body).toContain("You have been signed out.");
  });

  it("settings and user pages", async () => {
    await t.addUser("admin", { role: "administrator" });
    const someone = await t.addUser("someone");
    const b = await t.signIn("admin");
    for (const key of PROTO_KEYS) {
      for (const url of [`/settings?notice=${key}`, `/users/${someone.id}?notice=${key}`]) {
        const page = await b.get(url);
        expect(page.statusCode).toBe(200);
        expect(page.body).not.toMatch(leaked);
      }
    }
    expect((await b.get("/settings?notice=methods_saved")).body).toContain(
      "The sign-in methods were saved.",
    );
  });
});
