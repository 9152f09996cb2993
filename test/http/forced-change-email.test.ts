// Issue 14 (staff actions): after Force New Password, whoever knew the old password could
// choose the new one. A user with an email address on file now proves it first: the forced
// change asks for a code sent there (FORCED_CHANGE_EMAIL_CODE, on by default with SMTP) —
// a step between the password and the new password that cannot be skipped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  TEST_SECRET_KEY,
  type Vestibule,
} from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const NEW_PASSWORD = "lantern quarry velvet ochre";

let smtp: TestSmtpServer;
let t: Vestibule | undefined;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(env: Record<string, string> = {}): Promise<Vestibule> {
  t = await startVestibule({
    methods: ["app"],
    env: { SMTP_URL: smtp.url, MAIL_FROM: "Acme <no-reply@acme.test>", ...env },
  });
  return t;
}

async function password(v: Vestibule, username: string): Promise<{ b: Browser; to: string }> {
  const b = v.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  return { b, to: location(res) };
}

const codeIn = (text: string) => /verification code is (\d{6})/.exec(text)?.[1] ?? "";

describe("the email proof before a forced change", () => {
  it("after Force New Password: a code to the address on file, then the new password", async () => {
    const v = await start();
    const supUser = await v.addUser("sup", { role: "supervisor" });
    const sup = await v.signIn("sup", await v.enrolApp(supUser));
    const email = "fay@example.org";
    const fay = await v.addUser("fay", { email });
    await v.enrolApp(fay);
    await sup.get(`/users/${fay.id}/force-new-password`);
    await sup.post(`/users/${fay.id}/force-new-password`, {});

    const { b, to } = await password(v, "fay");
    expect(to).toBe("/login/prove-email");
    const mail = await smtp.waitFor((m) => m.to === email && /verification code/.test(m.subject));
    const code = codeIn(mail.text);
    expect(code).toMatch(/^\d{6}$/);
    const page = await b.get("/login/prove-email");
    expect(page.body).toContain("enter the verification code we sent to f•••@example.org");

    // No skipping: the new-password step is not open yet, by GET or by POST.
    expect(location(await b.get("/login/new-password"))).toBe("/login/prove-email");
    const skipped = await b.post("/login/new-password", {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(skipped.statusCode).toBe(303);
    expect((await v.system.stores.users.findById(fay.id))?.mustChangePassword).toBe(true);

    await b.get("/login/prove-email");
    const wrong = await b.post("/login/prove-email", {
      code: code === "000000" ? "000001" : "000000",
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain("That code is not valid");
    const proved = await b.post("/login/prove-email", { code });
    expect(location(proved)).toBe("/login/new-password");
    await b.follow(proved);
    const changed = await b.post("/login/new-password", {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(location(changed)).toBe("/login/setup");
  });

  it("five wrong codes end the sign-in; a new code can be asked for", async () => {
    const v = await start({ LIMIT_CODE_USER_BURST: "5/30" });
    const email = "gus@example.org";
    await v.addUser("gus", { email, mustChange: true });
    const { b, to } = await password(v, "gus");
    expect(to).toBe("/login/prove-email");
    await smtp.waitFor((m) => m.to === email);
    await b.get("/login/prove-email");
    const resent = await b.post("/login/prove-email/send", {});
    expect(location(resent)).toBe("/login/prove-email");
    await smtp.waitFor(() => smtp.messages.filter((m) => m.to === email).length === 2);
    await b.get("/login/prove-email");
    const last = codeIn(smtp.messages.filter((m) => m.to === email).at(-1)?.text ?? "");
    let res = await b.post("/login/prove-email", { code: "" });
    for (let i = 0; i < 5; i++) {
      const wrong = String((Number(last) + 1 + i) % 1_000_000).padStart(6, "0");
      res = await b.post("/login/prove-email", { code: wrong });
    }
    expect(location(res)).toBe("/login?notice=too_many_codes");
  });

  it("without an email address, or with the setting off, straight to the new password", async () => {
    const v = await start();
    await v.addUser("nomail", { mustChange: true });
    expect((await password(v, "nomail")).to).toBe("/login/new-password");
    await v.close();
    t = undefined;
    const off = await start({ FORCED_CHANGE_EMAIL_CODE: "off" });
    await off.addUser("hal", { email: "hal@example.org", mustChange: true });
    expect((await password(off, "hal")).to).toBe("/login/new-password");
  });

  it("the setting: on by default with SMTP, refused where no email can be sent", () => {
    const base = { SECRET_KEY: TEST_SECRET_KEY, DATABASE_URL: "sqlite::memory:" };
    expect(loadConfig({ ...base, NODE_ENV: "test" }).forcedChangeEmailCode).toBe(false);
    expect(
      loadConfig({
        ...base,
        NODE_ENV: "test",
        SMTP_URL: "smtp://127.0.0.1:2525",
        MAIL_FROM: "a@b.c",
      }).forcedChangeEmailCode,
    ).toBe(true);
    expect(() =>
      loadConfig({
        ...base,
        NODE_ENV: "production",
        PUBLIC_URL: "https://signin.example.org",
        FORCED_CHANGE_EMAIL_CODE: "on",
      }),
    ).toThrow(/FORCED_CHANGE_EMAIL_CODE=on .*SMTP_URL/);
    expect(() => loadConfig({ ...base, FORCED_CHANGE_EMAIL_CODE: "maybe" })).toThrow(
      /FORCED_CHANGE_EMAIL_CODE must be on or off/,
    );
  });
});
