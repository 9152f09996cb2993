// Security review: a failed send is given back only when the message certainly did not
// go out. A provider that times out or answers 5xx may have delivered it; refunding then
// let a client loop sends against a slow provider and pump SMS without limit.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Method } from "../../src/core/ports/runtime.js";
import { DEFAULT_PASSWORD, location, startVestibule, type Vestibule } from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import { startTwilioServer, type TestTwilioServer } from "../support/twilio.js";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-tests";
const SEND_FAILED = "could not send the code — try again or use another method";

let twilio: TestTwilioServer;
let smtp: TestSmtpServer;
let silent: Server;
let silentPort = 0;
let closedPort = 0;
const apps: Vestibule[] = [];

beforeAll(async () => {
  twilio = await startTwilioServer({ accountSid: SID, authToken: TOKEN });
  smtp = await startSmtpServer();
  // Accepts and never greets: an SMTP server that times out.
  silent = createServer(() => {});
  silentPort = await listen(silent);
  // A port nobody listens on: connection refused.
  const gone = createServer();
  closedPort = await listen(gone);
  await new Promise<void>((resolve) => gone.close(() => resolve()));
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await Promise.all([twilio.close(), smtp.close()]);
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}

/** For the tests whose provider hangs: its timeout, kept short. */
const SHORT_TIMEOUT = { DELIVERY_TIMEOUT_MS: "300" };

let seq = 0;
async function app(methods: Method[], env: Record<string, string>): Promise<Vestibule> {
  const a = await startVestibule({
    methods,
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: "Acme <no-reply@acme.test>",
      SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: "+15005550006",
      TWILIO_API_BASE: twilio.apiBase,
      // Long enough for a healthy exchange on a busy machine; the tests that need a
      // timeout (a provider that hangs or never greets) set a short one themselves.
      DELIVERY_TIMEOUT_MS: "5000",
      LIMIT_CODE_USER_BURST: "100/30",
      LIMIT_CODE_USER: "100/900",
      LIMIT_CODE_DESTINATION: "100/3600",
      LIMIT_CODE_IP: "100/3600",
      ...env,
    },
  });
  apps.push(a);
  return a;
}

/** Password step for a fresh user; the first code is sent by it (app not enabled). */
async function signInTo(a: Vestibule, contact: { phone?: string; email?: string }) {
  seq += 1;
  const user = await a.addUser(`sam${seq}`, contact);
  const b = a.browser();
  await b.get("/login");
  const res = await b.post("/login", { username: user.username, password: DEFAULT_PASSWORD });
  const page = await b.follow(res);
  return { b, user, page };
}

async function failures(a: Vestibule, userId: string) {
  return (await a.system.stores.audit.list({ userId, limit: 50 })).filter(
    (e) => e.type === "code_send_failed",
  );
}

describe("SMS: timeouts and 5xx keep the charge", () => {
  it("no answer from Twilio: the installation SMS budget stays spent", async () => {
    const a = await app(["sms"], { SMS_HOURLY_BUDGET: "1", ...SHORT_TIMEOUT });
    twilio.hangNext();
    const { b, user, page } = await signInTo(a, { phone: "+61412300001" });
    expect(page.body).toContain(SEND_FAILED);
    expect((await failures(a, user.id))[0]?.detail.refunded).toBe(false);
    // The retry is refused by the budget: the timed-out send counted.
    const retry = await b.post("/login/code", { method: "sms" });
    expect(retry.statusCode).toBe(429);
    const refused = (await a.system.stores.audit.list({ userId: user.id, limit: 50 })).find(
      (e) => e.type === "code_send_refused",
    );
    expect(refused?.detail.limit).toBe("sms_budget");
    expect(twilio.messages.filter((m) => m.to === "+61412300001")).toHaveLength(0);
  });

  it("Twilio 500: the destination's count stays spent, for any account using it", async () => {
    const a = await app(["sms"], { LIMIT_CODE_DESTINATION: "1/3600" });
    twilio.failNext(500);
    const first = await signInTo(a, { phone: "+61412300002" });
    expect(first.page.body).toContain(SEND_FAILED);
    // Another account with the same number is held by the destination limit.
    const second = await signInTo(a, { phone: "+61412300002" });
    expect(second.page.statusCode).toBe(200);
    expect(second.page.body).toContain("Too many codes sent");
  });

  it.each([401, 400])(
    "Twilio %i is a definite refusal: given back, the retry goes out",
    async (status) => {
      const a = await app(["sms"], { SMS_HOURLY_BUDGET: "1", LIMIT_CODE_USER_BURST: "1/30" });
      const phone = `+6141230${String(status).padStart(4, "0")}`;
      twilio.failNext(status);
      const { b, user, page } = await signInTo(a, { phone });
      expect(page.body).toContain(SEND_FAILED);
      expect((await failures(a, user.id))[0]?.detail.refunded).toBe(true);
      expect(location(await b.post("/login/code", { method: "sms" }))).toBe("/login/verify");
      await twilio.waitFor((m) => m.to === phone);
    },
  );
});

describe("email: what counts as a definite refusal", () => {
  it("a server that never greets (timeout) keeps the charge", async () => {
    const a = await app(["email"], {
      SMTP_URL: `smtp://127.0.0.1:${silentPort}`,
      ...SHORT_TIMEOUT,
      LIMIT_CODE_USER_BURST: "1/30",
    });
    const { b, user, page } = await signInTo(a, { email: "tim@example.test" });
    expect(page.body).toContain(SEND_FAILED);
    expect((await failures(a, user.id))[0]?.detail.refunded).toBe(false);
    expect((await b.post("/login/code", { method: "email" })).statusCode).toBe(429);
  });

  it("connection refused is given back", async () => {
    const a = await app(["email"], {
      SMTP_URL: `smtp://127.0.0.1:${closedPort}`,
      LIMIT_CODE_USER_BURST: "1/30",
    });
    const { b, user, page } = await signInTo(a, { email: "ray@example.test" });
    expect(page.body).toContain(SEND_FAILED);
    expect((await failures(a, user.id))[0]?.detail.refunded).toBe(true);
    // Not throttled: the retry is tried (and fails the same way, not refused by a limit).
    const retry = await b.post("/login/code", { method: "email" });
    expect(retry.statusCode).not.toBe(429);
    expect(await failures(a, user.id)).toHaveLength(2);
  });

  it("a 550 to RCPT TO is given back and the retry is delivered", async () => {
    const a = await app(["email"], { LIMIT_CODE_USER_BURST: "1/30" });
    smtp.rejectNext(550);
    const { b, user } = await signInTo(a, { email: "rob@example.test" });
    expect((await failures(a, user.id))[0]?.detail.refunded).toBe(true);
    expect(location(await b.post("/login/code", { method: "email" }))).toBe("/login/verify");
    await smtp.waitFor((m) => m.to === "rob@example.test");
  });
});

describe("a send that may have gone out keeps its code valid", () => {
  /** The code in the last request to Twilio for this number that was not answered 201. */
  function lateCode(phone: string): string {
    const body = twilio.unanswered.filter((m) => m.to === phone).at(-1)?.body ?? "";
    const code = /(\d{6})/.exec(body)?.[1];
    expect(code).toBeDefined();
    return code as string;
  }

  it.each([
    ["no answer", () => twilio.hangNext(), "+61412300101"],
    ["HTTP 500", () => twilio.failNext(500), "+61412300102"],
  ])("%s: the SMS arriving late signs in, not charged as a wrong code", async (_, fail, phone) => {
    const a = await app(["sms"], SHORT_TIMEOUT);
    fail();
    const { b, page } = await signInTo(a, { phone });
    expect(page.body).toContain(SEND_FAILED);
    await b.get("/login/verify");
    const res = await b.post("/login/verify", { code: lateCode(phone) });
    expect(location(res)).toBe("/");
  });

  it("a definite refusal (400) withdraws the code: it does not sign in", async () => {
    const a = await app(["sms"], {});
    const phone = "+61412300103";
    twilio.failNext(400);
    const { b, page } = await signInTo(a, { phone });
    expect(page.body).toContain(SEND_FAILED);
    await b.get("/login/verify");
    const res = await b.post("/login/verify", { code: lateCode(phone) });
    expect(res.statusCode).not.toBe(303);
    expect(res.body).toContain("code");
  });

  it("after a timeout, the next successful send replaces the code: only the newest works", async () => {
    const a = await app(["sms"], SHORT_TIMEOUT);
    const phone = "+61412300104";
    twilio.hangNext();
    const { b } = await signInTo(a, { phone });
    const stale = lateCode(phone);
    await b.get("/login/verify");
    await b.post("/login/code", { method: "sms" });
    const fresh = /(\d{6})/.exec((await twilio.waitFor((m) => m.to === phone)).body)?.[1];
    expect(fresh).toBeDefined();
    if (stale !== fresh) {
      await b.get("/login/verify");
      expect(location(await b.post("/login/verify", { code: stale }))).not.toBe("/");
    }
    await b.get("/login/verify");
    expect(location(await b.post("/login/verify", { code: fresh as string }))).toBe("/");
  });
});
