// Issue 3 over HTTP (Fastify inject), with real peers on loopback: an SMTP server
// (smtp-server), a Twilio-shaped Messages API and a signed-webhook receiver. Each rule
// of the issue has a test here that tries to break it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Method } from "../../src/core/ports/runtime.js";
import type { User } from "../../src/core/ports/users.js";
import { hashToken } from "../../src/core/secrets.js";
import { missingProvider } from "../../src/delivery/config.js";
import {
  type Browser,
  continueAfterSave,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  TEST_SECRET_KEY,
  type Vestibule,
} from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import { startTwilioServer, type TestTwilioServer } from "../support/twilio.js";
import { startWebhookReceiver, type TestWebhookReceiver } from "../support/webhook.js";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-tests";
const WEBHOOK_SECRET = "webhook-secret-0123456789";
const SEND_FAILED = "could not send the code — try again or use another method";

let smtp: TestSmtpServer;
let twilio: TestTwilioServer;
let webhook: TestWebhookReceiver;
const apps: Vestibule[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  twilio = await startTwilioServer({ accountSid: SID, authToken: TOKEN });
  webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await Promise.all([smtp.close(), twilio.close(), webhook.close()]);
});

/** Providers on loopback; limits loose unless a test tightens them. */
function providerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: smtp.url,
    MAIL_FROM: "Acme Portal <no-reply@acme.test>",
    SMS_PROVIDER: "twilio",
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: "+15005550006",
    TWILIO_API_BASE: twilio.apiBase,
    DELIVERY_TIMEOUT_MS: "5000",
    APP_NAME: "Acme Portal",
    LIMIT_CODE_USER_BURST: "100/30",
    LIMIT_CODE_USER: "100/900",
    LIMIT_CODE_DESTINATION: "100/3600",
    LIMIT_CODE_IP: "100/3600",
    ...extra,
  };
}

async function newApp(
  methods: Method[],
  env: Record<string, string> = {},
  logStream?: { write(line: string): void },
): Promise<Vestibule> {
  const a = await startVestibule({
    methods,
    env: providerEnv(env),
    ...(logStream ? { logStream } : {}),
  });
  apps.push(a);
  return a;
}

let seq = 0;
/** A unique address per test so messages can be told apart on the shared peers. */
function uniqueEmail(name: string): string {
  seq += 1;
  return `${name}${seq}@example.test`;
}
function uniquePhone(): string {
  seq += 1;
  return `+614123${String(10000 + seq).slice(-5)}`;
}

async function mailCode(to: string, nth = 1): Promise<string> {
  const mails = () => smtp.messages.filter((m) => m.to === to);
  await smtp.waitFor(() => mails().length >= nth);
  const mail = mails()[nth - 1]!;
  const code = /verification code is (\d{6})/.exec(mail.text)?.[1];
  if (!code) throw new Error("no code in the email");
  return code;
}
async function smsCode(to: string, nth = 1): Promise<string> {
  const sms = () => twilio.messages.filter((m) => m.to === to);
  await twilio.waitFor(() => sms().length >= nth);
  const code = /^(\d{6}) is your/.exec(sms()[nth - 1]!.body)?.[1];
  if (!code) throw new Error("no code in the SMS");
  return code;
}

/** The words of a page, tags removed. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, "");
}

async function passwordStep(a: Vestibule, username: string, ip?: string): Promise<Browser> {
  const b = a.browser(ip);
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(res.statusCode).toBe(303);
  return b;
}

/** The password step, then the page its redirect leads to (a first send's failure rides on it). */
async function landing(a: Vestibule, username: string, ip?: string) {
  const b = a.browser(ip);
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(res.statusCode).toBe(303);
  expect(location(res)).toMatch(/^\/login\/verify(\?|$)/);
  return { b, page: await b.follow(res) };
}

async function auditTypes(
  a: Vestibule,
  userId: string,
): Promise<{ type: string; detail: Record<string, unknown> }[]> {
  return (await a.system.stores.audit.list({ userId, limit: 100 })).reverse();
}

describe("email codes through a real SMTP server", () => {
  let a: Vestibule;
  beforeAll(async () => {
    a = await newApp(["email"]);
  });

  it("with the app not enabled, a code goes out at once; the right code signs in with a fresh session", async () => {
    const email = uniqueEmail("bea");
    const bea = await a.addUser("bea", { email });
    const b = await passwordStep(a, "bea");
    const verify = await b.get("/login/verify");
    expect(verify.statusCode).toBe(200);
    expect(verify.body).toContain('<label for="code">Verification code</label>');
    expect(verify.body).toContain(">Confirm</button>");
    expect(textOf(verify.body)).toContain("to b•••@example.test");
    expect(verify.body).not.toContain(email);
    expect(verify.body).toContain(">Send verification code via email</button>");
    expect(verify.body).not.toContain("via SMS");
    expect(verify.body).not.toContain("authenticator app");

    const code = await mailCode(email);
    const mail = smtp.messages.find((m) => m.to === email)!;
    expect(mail.from).toBe("no-reply@acme.test");
    expect(mail.subject).toBe("Your Acme Portal verification code");
    expect(mail.subject).not.toContain(code);
    expect(mail.html).toContain("Acme Portal");
    expect(verify.body).not.toContain(code);

    // Only an HMAC is stored.
    const challengeCookie = b.jar.get("vst_signin")!;
    const stored = await a.system.stores.flows.getCode(hashToken(challengeCookie));
    expect(stored?.hmac).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.hmac).not.toContain(code);
    expect(stored!.expiresAt - stored!.sentAt).toBe(600_000);

    // A reload does not send another.
    await b.get("/login/verify");
    expect(smtp.messages.filter((m) => m.to === email)).toHaveLength(1);

    const done = await b.post("/login/verify", { code });
    expect(done.statusCode).toBe(303);
    expect(location(done)).toBe("/");
    const session = b.jar.get("vst_session")!;
    expect(session).toBeDefined();
    expect(session).not.toBe(challengeCookie);
    expect(b.jar.has("vst_signin")).toBe(false);
    expect((await b.get("/")).body).toContain("bea");
    const types = (await auditTypes(a, bea.id)).map((e) => e.type);
    expect(types).toContain("code_sent");
    expect(types).toContain("signin_ok");
  });

  it("a code is single use: replayed, and raced, exactly one sign-in", async () => {
    const email = uniqueEmail("cal");
    await a.addUser("cal", { email });
    const b = await passwordStep(a, "cal");
    await b.get("/login/verify");
    const code = await mailCode(email);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(b.html)![1]!;
    const [r1, r2] = await Promise.all([
      b.post("/login/verify", { code }, { csrf }),
      b.post("/login/verify", { code }, { csrf }),
    ]);
    const wins = [r1, r2].filter((r) => location(r) === "/");
    expect(wins).toHaveLength(1);
    // The same code on a new pending sign-in is worth nothing.
    const b2 = await passwordStep(a, "cal");
    await b2.get("/login/verify");
    await mailCode(email, 2);
    const replay = await b2.post("/login/verify", { code });
    expect(replay.statusCode).toBe(401);
    expect(b2.jar.has("vst_session")).toBe(false);
  });

  it("a code from another pending sign-in (same user, other browser) is refused", async () => {
    const email = uniqueEmail("dee");
    await a.addUser("dee", { email });
    const one = await passwordStep(a, "dee");
    await one.get("/login/verify");
    const codeOne = await mailCode(email, 1);
    const two = await passwordStep(a, "dee");
    await two.get("/login/verify");
    const codeTwo = await mailCode(email, 2);
    if (codeOne === codeTwo) return; // one in a million: nothing to tell apart
    const cross = await two.post("/login/verify", { code: codeOne });
    expect(cross.statusCode).toBe(401);
    expect(cross.body).toContain("That code is not valid");
    const own = await two.post("/login/verify", { code: codeTwo });
    expect(location(own)).toBe("/");
  });

  it("a new send replaces the old code and keeps the wrong-code count: the 5th wrong ends the sign-in", async () => {
    const email = uniqueEmail("eli");
    const eli = await a.addUser("eli", { email });
    const b = await passwordStep(a, "eli");
    await b.get("/login/verify");
    const first = await mailCode(email, 1);
    const wrong = first === "000000" ? "000001" : "000000";
    for (let i = 0; i < 2; i++) {
      expect((await b.post("/login/verify", { code: wrong })).statusCode).toBe(401);
    }
    const resend = await b.post("/login/code", { method: "email" });
    expect(location(resend)).toBe("/login/verify");
    await b.follow(resend);
    const second = await mailCode(email, 2);
    const challengeCookie = b.jar.get("vst_signin")!;
    const row = await a.system.stores.flows.find(hashToken(challengeCookie), a.clock.now());
    expect(row?.failedCodes).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect((await b.post("/login/verify", { code: wrong })).statusCode).toBe(401);
    }
    // The replaced code is now just a wrong code, and the fifth.
    const fifth = await b.post("/login/verify", { code: first === second ? wrong : first });
    expect(location(fifth)).toBe("/login?notice=too_many_codes");
    expect(b.jar.has("vst_signin")).toBe(false);
    // Even with the old cookie put back, the new code is worth nothing now.
    const ghost = a.browser();
    ghost.jar.set("vst_signin", challengeCookie);
    ghost.html = b.html;
    const after = await ghost.post("/login/verify", { code: second });
    expect(location(after)).toBe("/login?notice=expired");
    expect(b.jar.has("vst_session")).toBe(false);
    expect((await auditTypes(a, eli.id)).map((e) => e.type)).toContain("challenge_ended");
  });

  it("an expired code (fixed clock, CODE_TTL_SECONDS) is refused", async () => {
    const short = await newApp(["email"], { CODE_TTL_SECONDS: "120" });
    const email = uniqueEmail("fay");
    await short.addUser("fay", { email });
    const b = await passwordStep(short, "fay");
    const page = await b.get("/login/verify");
    expect(page.body).toContain("valid for 2 more minutes");
    const code = await mailCode(email);
    short.clock.advance(120_001);
    const late = await b.post("/login/verify", { code });
    expect(late.statusCode).toBe(401);
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("CSRF, unknown and disabled methods: nothing is sent", async () => {
    const email = uniqueEmail("gus");
    await a.addUser("gus", { email, phone: uniquePhone() });
    const b = await passwordStep(a, "gus");
    await b.get("/login/verify");
    await mailCode(email);
    const count = smtp.messages.length + twilio.messages.length;
    expect((await b.post("/login/code", { method: "email" }, { csrf: null })).statusCode).toBe(403);
    await b.get("/login/verify");
    expect((await b.post("/login/code", { method: "sms" })).statusCode).toBe(409);
    expect((await b.post("/login/code", { method: "pigeon" })).statusCode).toBe(409);
    expect((await b.post("/login/code", { method: ["email", "sms"] })).statusCode).toBe(409);
    expect(smtp.messages.length + twilio.messages.length).toBe(count);
    // Without a pending sign-in: back to Login.
    const stranger = a.browser();
    await stranger.get("/login");
    expect(location(await stranger.post("/login/code", { method: "email" }))).toBe(
      "/login?notice=expired",
    );
  });

  it("a user with no address cannot be sent anything and is told so", async () => {
    await a.addUser("hal");
    const b = await passwordStep(a, "hal");
    const page = await b.get("/login/verify");
    expect(page.body).toContain("No verification method is available");
    expect(page.body).not.toContain("Send verification code");
  });
});

describe("SMS codes through the Twilio-shaped API", () => {
  it("signs in by SMS; the page shows the masked number; email offered too, sent first", async () => {
    const a = await newApp(["sms"]);
    const phone = "+61412345678";
    await a.addUser("ivy", { phone });
    const b = await passwordStep(a, "ivy");
    const page = await b.get("/login/verify");
    expect(textOf(page.body)).toContain("+61 ••• ••• 678");
    expect(page.body).not.toContain("412345");
    expect(page.body).toContain(">Send verification code via SMS</button>");
    const sms = await twilio.waitFor((m) => m.to === phone);
    expect(sms.from).toBe("+15005550006");
    expect(sms.accountSid).toBe(SID);
    const code = await smsCode(phone);
    expect(page.body).not.toContain(code);
    expect(location(await b.post("/login/verify", { code }))).toBe("/");
  });

  it("both enabled, no app: email goes first and SMS is offered; an SMS resend works", async () => {
    const a = await newApp(["sms", "email"]);
    const email = uniqueEmail("jo");
    const phone = uniquePhone();
    await a.addUser("jo", { email, phone });
    const b = await passwordStep(a, "jo");
    const page = await b.get("/login/verify");
    expect(textOf(page.body)).toContain("by email to j•••@example.test");
    expect(page.body).toContain(">Send verification code via SMS</button>");
    await mailCode(email);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(0);
    const sent = await b.post("/login/code", { method: "sms" });
    expect(location(sent)).toBe("/login/verify");
    const next = await b.follow(sent);
    expect(textOf(next.body)).toContain("by SMS to +61 ••• •••");
    const code = await smsCode(phone);
    expect(location(await b.post("/login/verify", { code }))).toBe("/");
  });

  it("the webhook provider posts signed JSON and the code signs in", async () => {
    const a = await newApp(["sms"], {
      SMS_PROVIDER: "webhook",
      SMS_WEBHOOK_URL: webhook.url,
      SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    const phone = uniquePhone();
    await a.addUser("kai", { phone });
    const b = await passwordStep(a, "kai");
    await b.get("/login/verify");
    const delivery = await webhook.waitFor((d) => d.to === phone);
    expect(delivery.signatureValid).toBe(true);
    const code = /^(\d{6}) is your/.exec(delivery.body)![1]!;
    expect(location(await b.post("/login/verify", { code }))).toBe("/");
  });
});

describe("with the authenticator app enabled", () => {
  it("the set-up screen offers email; choosing it moves to verification under a new cookie", async () => {
    const a = await newApp(["app", "email"]);
    const email = uniqueEmail("lee");
    const lee = await a.addUser("lee", { email });
    const b = await passwordStep(a, "lee");
    const setup = await b.get("/login/setup");
    expect(setup.body).toContain(">Show QR code</button>");
    expect(setup.body).toContain(">Send verification code via email</button>");
    expect(smtp.messages.filter((m) => m.to === email)).toHaveLength(0); // not sent unasked
    const before = b.jar.get("vst_signin");
    const sent = await b.post("/login/code", { method: "email" });
    expect(location(sent)).toBe("/login/verify");
    expect(b.jar.get("vst_signin")).not.toBe(before);
    const page = await b.follow(sent);
    expect(textOf(page.body)).toContain("by email to l•••@example.test");
    expect(page.body).not.toContain("Open your authenticator app");
    const code = await mailCode(email);
    expect(location(await b.post("/login/verify", { code }))).toBe("/");
    expect(await a.system.stores.authenticators.get(lee.id)).toBeUndefined();
  });

  it("verification accepts the app code and, once sent, the emailed code", async () => {
    const a = await newApp(["app", "email"]);
    const email = uniqueEmail("max");
    const max = await a.addUser("max", { email });
    const secret = await a.enrolApp(max);
    const b = await passwordStep(a, "max");
    const page = await b.get("/login/verify");
    expect(page.body).toContain("Open your authenticator app");
    expect(page.body).toContain(">Send verification code via email</button>");
    expect(smtp.messages.filter((m) => m.to === email)).toHaveLength(0);
    await b.post("/login/code", { method: "email" });
    await b.get("/login/verify");
    await mailCode(email);
    // The app still works while an emailed code is outstanding.
    expect(location(await b.post("/login/verify", { code: a.totp(secret) }))).toBe("/");

    a.clock.advance(30_000);
    const b2 = await passwordStep(a, "max");
    await b2.get("/login/verify");
    await b2.post("/login/code", { method: "email" });
    await b2.get("/login/verify");
    const code = await mailCode(email, 2);
    expect(location(await b2.post("/login/verify", { code }))).toBe("/");
  });
});

describe("sending limits", () => {
  it("per user: about 1 per 30 s; refused with the wait, nothing sent, audited", async () => {
    const a = await newApp(["email"], { LIMIT_CODE_USER_BURST: "1/30" });
    const email = uniqueEmail("ned");
    const ned = await a.addUser("ned", { email });
    const b = await passwordStep(a, "ned");
    const first = await b.get("/login/verify");
    await mailCode(email);
    expect(first.body).toMatch(/You can ask for a new code in \d+ seconds/);
    const again = await b.post("/login/code", { method: "email" });
    expect(again.statusCode).toBe(429);
    expect(again.body).toMatch(
      /Too many codes sent\. Please wait before asking again\. Try again in \d+ seconds\./,
    );
    expect(Number(again.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(again.headers["retry-after"])).toBeLessThanOrEqual(30);
    // A code goes out inside its request: once refused, nothing can still be on its way.
    expect(smtp.messages.filter((m) => m.to === email)).toHaveLength(1);
    const refused = (await auditTypes(a, ned.id)).filter((e) => e.type === "code_send_refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.detail).toMatchObject({ method: "email", limit: "user_burst" });
  });

  it("per user: 5 per 15 minutes (here 2), across pending sign-ins", async () => {
    const a = await newApp(["email"], { LIMIT_CODE_USER: "2/900" });
    const email = uniqueEmail("oli");
    await a.addUser("oli", { email });
    const b = await passwordStep(a, "oli");
    await b.get("/login/verify");
    expect((await b.post("/login/code", { method: "email" })).statusCode).toBe(303);
    const { page } = await landing(a, "oli");
    expect(page.body).toContain("Too many codes sent");
    expect(page.body).toMatch(/Try again in about 1[45] minutes/);
    expect(smtp.messages.filter((m) => m.to === email)).toHaveLength(2);
  });

  it("per destination: two accounts sharing one address share its limit", async () => {
    const a = await newApp(["email"], { LIMIT_CODE_DESTINATION: "1/3600" });
    const shared = uniqueEmail("team");
    await a.addUser("pam", { email: shared });
    const quinn = await a.addUser("quinn", { email: shared.toUpperCase() });
    await (await passwordStep(a, "pam", "10.0.0.1")).get("/login/verify");
    const { page } = await landing(a, "quinn", "10.0.0.2");
    expect(page.body).toContain("Too many codes sent");
    const refused = (await auditTypes(a, quinn.id)).find((e) => e.type === "code_send_refused");
    expect(refused?.detail.limit).toBe("destination");
  });

  it("per client address: another address is still served", async () => {
    const a = await newApp(["email"], { LIMIT_CODE_IP: "1/3600" });
    for (const name of ["rae", "sam", "tom"]) await a.addUser(name, { email: uniqueEmail(name) });
    expect((await landing(a, "rae", "10.1.1.1")).page.body).toContain(
      "We sent a verification code",
    );
    expect((await landing(a, "sam", "10.1.1.1")).page.body).toContain("Too many codes sent");
    expect((await landing(a, "tom", "10.1.1.2")).page.body).toContain(
      "We sent a verification code",
    );
  });

  it("the installation-wide hourly SMS budget stops SMS, not email", async () => {
    const a = await newApp(["sms", "email"], { SMS_HOURLY_BUDGET: "1" });
    const users: User[] = [];
    for (const name of ["uma", "vic"]) {
      users.push(await a.addUser(name, { email: uniqueEmail(name), phone: uniquePhone() }));
    }
    const b1 = await passwordStep(a, "uma", "10.2.0.1");
    await b1.get("/login/verify");
    expect(location(await b1.post("/login/code", { method: "sms" }))).toBe("/login/verify");
    const b2 = await passwordStep(a, "vic", "10.2.0.2");
    await b2.get("/login/verify"); // email, sent
    const refused = await b2.post("/login/code", { method: "sms" });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain("Too many codes sent");
    expect(twilio.messages.filter((m) => m.to === users[1]!.phone)).toHaveLength(0);
    const audit = (await auditTypes(a, users[1]!.id)).find((e) => e.type === "code_send_refused");
    expect(audit?.detail.limit).toBe("sms_budget");
  });
});

// Definite refusals only; a timeout or 5xx keeps the charge (test/http/send-refunds.test.ts).
describe("provider refusals: message, not charged, audited", () => {
  it.each([
    ["Twilio 401", "sms", (t: TestTwilioServer) => t.failNext(401)],
    ["Twilio 400", "sms", (t: TestTwilioServer) => t.failNext(400)],
    ["SMTP 550", "email", () => smtp.rejectNext(550)],
  ] as const)("%s", async (_name, method, breakIt) => {
    // The strict default per-user limit (1 per 30 s): a charged failure would block the retry.
    const a = await newApp([method], { LIMIT_CODE_USER_BURST: "1/30" });
    const email = uniqueEmail("wes");
    const phone = uniquePhone();
    const user = await a.addUser(`wes${seq}`, { email, phone });
    breakIt(twilio);
    const { b, page } = await landing(a, user.username);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`We ${SEND_FAILED}.`);
    expect(page.body).not.toContain("We sent a verification code");
    const failed = (await auditTypes(a, user.id)).filter((e) => e.type === "code_send_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail.method).toBe(method);
    expect(String(failed[0]!.detail.error)).toMatch(/Twilio|SMTP/);
    // Not charged: the retry right away is allowed and signs in.
    const retry = await b.post("/login/code", { method });
    expect(location(retry)).toBe("/login/verify");
    const code = method === "sms" ? await smsCode(phone) : await mailCode(email);
    expect(location(await b.post("/login/verify", { code }))).toBe("/");
  });

  it("webhook 500 answers the message; it may have delivered, so the send stays counted", async () => {
    const a = await newApp(["sms"], {
      SMS_PROVIDER: "webhook",
      SMS_WEBHOOK_URL: webhook.url,
      SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      LIMIT_CODE_USER_BURST: "1/30",
    });
    const phone = uniquePhone();
    await a.addUser("xan", { phone });
    const b = await passwordStep(a, "xan");
    await b.get("/login/verify");
    await webhook.waitFor((d) => d.to === phone);
    a.clock.advance(1000);
    // Make the burst limit pass: a fresh app-level limit would block; use a second user instead.
    webhook.failNext(500);
    const phone2 = uniquePhone();
    await a.addUser("yul", { phone: phone2 });
    const { b: b2, page } = await landing(a, "yul");
    expect(page.body).toContain(SEND_FAILED);
    const res = await b2.post("/login/code", { method: "sms" });
    expect(res.statusCode).toBe(429);
  });
});

describe("a code never appears in a response, a log line or the audit log", () => {
  it("captured at debug level through a whole sign-in, with a failure on the way", async () => {
    const lines: string[] = [];
    const a = await newApp(
      ["email", "sms"],
      { LOG_LEVEL: "debug" },
      {
        write: (line: string) => {
          lines.push(line);
        },
      },
    );
    const email = uniqueEmail("zed");
    const phone = uniquePhone();
    const zed = await a.addUser("zed", { email, phone });
    const bodies: string[] = [];
    const b = await passwordStep(a, "zed");
    const keep = (r: { body: string; headers: Record<string, unknown> }) => {
      bodies.push(r.body, JSON.stringify(r.headers));
    };
    keep(await b.get("/login/verify"));
    twilio.failNext(500);
    keep(await b.post("/login/code", { method: "sms" }));
    keep(await b.post("/login/code", { method: "sms" }));
    const emailed = await mailCode(email);
    const texted = await smsCode(phone);
    keep(await b.get("/login/verify"));
    keep(await b.post("/login/verify", { code: emailed })); // replaced by the SMS: wrong
    keep(await b.post("/login/verify", { code: texted }));
    expect(b.jar.has("vst_session")).toBe(true);
    const audit = JSON.stringify(await a.system.stores.audit.list({ userId: zed.id, limit: 100 }));
    expect(lines.length).toBeGreaterThan(5);
    for (const code of [emailed, texted]) {
      for (const body of bodies) expect(body).not.toContain(code);
      for (const line of lines) expect(line).not.toContain(code);
      expect(audit).not.toContain(code);
    }
  });
});

describe("notifications by email", () => {
  it("an email when an authenticator is added and when the second factor locks; a mail failure breaks nothing", async () => {
    const a = await newApp(["app"], { LIMIT_SECOND_FACTOR: "2/86400/900" });
    const email = uniqueEmail("ada");
    await a.addUser("ada", { email });
    const b = await passwordStep(a, "ada");
    const shown = await b.get("/login/setup?show=1");
    const secret = /<code class="key" id="manual-key">([^<]*)<\/code>/
      .exec(shown.body)![1]!
      .replace(/\s+/g, "");
    smtp.rejectNext(550); // the notice fails …
    const saved = await b.post("/login/setup", { code: a.totp(secret) });
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added"); // … and the set-up stands
    const b2 = await passwordStep(a, "ada");
    a.clock.advance(30_000);
    await b2.get("/login/verify");
    await b2.post("/login/verify", { code: "000000" });
    const locked = await b2.post("/login/verify", { code: "000001" });
    expect(location(locked)).toBe("/login?notice=locked&wait=900");
    const notice = await smtp.waitFor((m) => m.to === email && /paused/.test(m.subject));
    expect(notice.text).toContain("ada");

    // Added, with a working server this time.
    const email2 = uniqueEmail("bo");
    await a.addUser("bo", { email: email2 });
    const c = await passwordStep(a, "bo");
    const page = await c.get("/login/setup?show=1");
    const s2 = /<code class="key" id="manual-key">([^<]*)<\/code>/
      .exec(page.body)![1]!
      .replace(/\s+/g, "");
    await c.post("/login/setup", { code: a.totp(s2) });
    const added = await smtp.waitFor(
      (m) => m.to === email2 && /authenticator app added/.test(m.subject),
    );
    expect(added.text).toContain("bo");
  });
});

describe("development outbox and production refusal", () => {
  it("without providers outside production, messages go to /dev/outbox, linked from the code screen", async () => {
    const a = await startVestibule({ methods: ["email"], env: { APP_NAME: "Acme Portal" } });
    apps.push(a);
    await a.addUser("dev", { email: "dev@example.test" });
    const b = await passwordStep(a, "dev");
    const page = await b.get("/login/verify");
    expect(page.body).toContain('href="/dev/outbox"');
    const outbox = await b.get("/dev/outbox");
    expect(outbox.statusCode).toBe(200);
    expect(outbox.body).toContain("dev@example.test");
    const code = /verification code is (\d{6})/.exec(outbox.body)![1]!;
    await b.get("/login/verify");
    expect(location(await b.post("/login/verify", { code }))).toBe("/");
  });

  it("behind a proxy on this host without TRUST_PROXY the outbox is hidden (every client looks local)", async () => {
    const a = await startVestibule({ methods: ["email"] });
    apps.push(a);
    await a.addUser("px", { email: "px@example.test" });
    const b = await passwordStep(a, "px");
    const plain = await b.get("/dev/outbox");
    expect(plain.statusCode).toBe(200);
    for (const headers of <Record<string, string>[]>[
      { "x-forwarded-for": "203.0.113.9" },
      { "x-forwarded-for": "127.0.0.1" },
      { forwarded: "for=203.0.113.9" },
      { forwarded: "for=127.0.0.1" },
    ]) {
      const res = await b.request("GET", "/dev/outbox", { headers });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain("px@example.test");
      const page = await b.request("GET", "/login/verify", { headers });
      expect(page.body).not.toContain("/dev/outbox");
    }
  });

  it("with TRUST_PROXY=loopback the outbox follows the forwarded client address", async () => {
    const a = await startVestibule({ methods: ["email"], env: { TRUST_PROXY: "loopback" } });
    apps.push(a);
    await a.addUser("tp", { email: "tp@example.test" });
    const b = await passwordStep(a, "tp");
    const remote = await b.request("GET", "/dev/outbox", {
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(remote.statusCode).toBe(404);
    const local = await b.request("GET", "/dev/outbox", {
      headers: { "x-forwarded-for": "127.0.0.1" },
    });
    expect(local.statusCode).toBe(200);
    // The Forwarded header is not read: a client behind it cannot be told apart.
    const rfc = await b.request("GET", "/dev/outbox", { headers: { forwarded: "for=127.0.0.1" } });
    expect(rfc.statusCode).toBe(404);
  });

  it("in production the outbox is never registered", async () => {
    const a = await newApp(["email"], { NODE_ENV: "production" });
    await a.addUser("pro", { email: uniqueEmail("pro") });
    const b = await passwordStep(a, "pro");
    expect((await b.get("/login/verify")).body).not.toContain("/dev/outbox");
    expect((await b.get("/dev/outbox")).statusCode).toBe(404);
    expect(a.system.delivery.outbox).toBeUndefined();
  });

  it("in production a method without its provider is refused, naming what to set", () => {
    const config = loadConfig({ NODE_ENV: "production", SECRET_KEY: TEST_SECRET_KEY });
    expect(config.delivery.devOutbox).toBe(false);
    expect(missingProvider(config.delivery, ["app"], true)).toBeUndefined();
    expect(missingProvider(config.delivery, ["email"], true)).toMatch(/SMTP_URL and MAIL_FROM/);
    expect(missingProvider(config.delivery, ["sms"], true)).toMatch(/SMS_PROVIDER/);
    expect(missingProvider(config.delivery, ["sms", "email"], false)).toBeUndefined();
  });

  it("provider settings are checked at start", () => {
    const base = { NODE_ENV: "test", SECRET_KEY: TEST_SECRET_KEY, DATABASE_URL: "sqlite::memory:" };
    expect(() => loadConfig({ ...base, SMS_PROVIDER: "twilio" })).toThrow(/TWILIO_ACCOUNT_SID/);
    expect(() => loadConfig({ ...base, SMS_PROVIDER: "carrier-pigeon" })).toThrow(
      /twilio or webhook/,
    );
    expect(() => loadConfig({ ...base, SMTP_URL: "smtp://127.0.0.1:25" })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ ...base, SMTP_URL: "http://x", MAIL_FROM: "a@b.c" })).toThrow(
      /SMTP_URL/,
    );
    expect(() => loadConfig({ ...base, CODE_TTL_SECONDS: "601" })).toThrow(/CODE_TTL_SECONDS/);
    expect(() => loadConfig({ ...base, LIMIT_CODE_USER: "5" })).toThrow(/LIMIT_CODE_USER/);
  });
});
