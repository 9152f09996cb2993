// Issue 14 (guessing over time): wrong second-factor codes start blocks that grow while
// failures continue, and at the cap only a supervisor lets the account use its second
// factor again (an audited unlock, or Force New Password). The user is emailed at the
// first block and at the cap; the pages say how long a lock lasts, or who can lift it.
// Small rules (2 wrong codes per block, locked at 6) keep it short; fixed clock.
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateTotp } from "../../src/core/totp.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const MINUTE = 60_000;

let t: Vestibule | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
  await smtp?.close();
  t = undefined;
  smtp = undefined;
});

async function toVerify(v: Vestibule, username: string): Promise<Browser> {
  const b = v.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe("/login/verify");
  await b.follow(res);
  return b;
}

function wrongCode(v: Vestibule, secret: string, n: number): string {
  const valid = new Set([-1, 0, 1].map((d) => generateTotp(secret, v.clock.now() + d * 30_000)));
  for (let i = n; ; i++) {
    const code = String((i * 271_829 + 314_159) % 1_000_000).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

describe("escalating blocks, then a lock only a supervisor lifts", () => {
  it("15 minutes, then an hour, then locked until unlocked; emails at the first block and the cap", async () => {
    smtp = await startSmtpServer();
    t = await startVestibule({
      methods: ["app", "email"],
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: "Acme <no-reply@acme.test>",
        LIMIT_SECOND_FACTOR: "2/86400/900",
        LIMIT_SECOND_FACTOR_CAP: "6",
      },
    });
    const v = t;
    // rate-limiter-flexible reads Date.now(): kept in step with the app's clock.
    vi.useFakeTimers({ toFake: ["Date"], now: v.clock.now() });
    const advance = (ms: number) => {
      v.clock.advance(ms);
      vi.setSystemTime(v.clock.now());
    };
    const user = await v.addUser("lou", { email: "lou@example.org" });
    const secret = await v.enrolApp(user);
    let n = 0;
    const twoWrong = async (): Promise<string> => {
      const b = await toVerify(v, "lou");
      expect((await b.post("/login/verify", { code: wrongCode(v, secret, n++) })).statusCode).toBe(
        401,
      );
      return location(await b.post("/login/verify", { code: wrongCode(v, secret, n++) }));
    };

    // Sign-ins that reached verification before the block (other browsers, meanwhile).
    const during = await toVerify(v, "lou");
    const right = await toVerify(v, "lou");
    // Block 1: 15 minutes, said on the page; the owner is emailed.
    const first = await twoWrong();
    expect(first).toBe("/login?notice=locked&wait=900");
    const page = await v.browser().get(first);
    expect(page.body).toContain(
      "Verification is locked for a while. Try again in about 15 minutes.",
    );
    const paused = await smtp.waitFor(
      (m) => m.to === "lou@example.org" && /paused/.test(m.subject),
    );
    expect(paused.text).toContain("paused for 15 minutes");

    // During the block: the right code is refused, and no code is sent.
    const sent = await during.post("/login/code", { method: "email" });
    expect(location(sent)).toMatch(/^\/login\?notice=locked&wait=\d+$/);
    expect(location(await right.post("/login/verify", { code: v.totp(secret) }))).toMatch(
      /^\/login\?notice=locked&wait=\d+$/,
    );

    // Block 2 is four times longer: the allowance does not come back every 15 minutes.
    advance(15 * MINUTE + 1000);
    expect(await twoWrong()).toBe("/login?notice=locked&wait=3600");
    advance(60 * MINUTE + 1000);

    // The cap: locked until a supervisor unlocks it, whatever the time.
    const capped = await twoWrong();
    expect(capped).toBe("/login?notice=locked_for_good");
    expect((await v.browser().get(capped)).body).toContain(
      "verification is locked until a supervisor unlocks it",
    );
    const locked = await smtp.waitFor(
      (m) => m.to === "lou@example.org" && /verification locked/.test(m.subject),
    );
    expect(locked.text).toContain("until a supervisor unlocks it or uses Force New Password");
    await v.system.notices.drain();
    // Two emails about locks: the first block and the cap, not the second block.
    const lockMails = smtp.messages.filter(
      (m) => m.to === "lou@example.org" && /paused|locked/.test(m.subject),
    );
    expect(lockMails).toHaveLength(2);

    advance(10 * 24 * 60 * MINUTE);
    // Said right after the password (issue 12): no pending sign-in, no code to type.
    const later = v.browser();
    await later.get("/login");
    const told = await later.post("/login", { username: "lou", password: DEFAULT_PASSWORD });
    expect(told.statusCode).toBe(429);
    expect(told.body).toContain("verification is locked until a supervisor unlocks it");
    expect(later.jar.has("vst_signin")).toBe(false);

    // A supervisor sees it and unlocks it (audited).
    const supUser = await v.addUser("sue", { role: "supervisor" });
    const sue = await v.signIn("sue", await v.enrolApp(supUser));
    const userPage = await sue.get(`/users/${user.id}`);
    expect(userPage.body).toMatch(
      /<th scope="row">Second factor locked<\/th><td>Locked until unlocked<\/td>/,
    );
    expect(userPage.body).toContain(">Unlock</button>");
    const unlocked = await sue.post(`/users/${user.id}/unlock`, {});
    expect(location(unlocked)).toBe(`/users/${user.id}?notice=unlocked`);
    expect((await sue.follow(unlocked)).body).toContain("The second factor was unlocked.");
    const [event] = await v.system.stores.audit.list({
      userId: user.id,
      type: "second_factor_unlocked",
      limit: 5,
    });
    expect(event).toMatchObject({ actorId: supUser.id, detail: { lock: "permanent" } });

    advance(30_000);
    const back = await toVerify(v, "lou");
    expect(location(await back.post("/login/verify", { code: v.totp(secret) }))).toBe("/");
  });

  it("a supervisor's page says until when a block lasts; a user cannot unlock anyone", async () => {
    t = await startVestibule({
      methods: ["app"],
      env: { LIMIT_SECOND_FACTOR: "2/86400/900", LIMIT_SECOND_FACTOR_CAP: "6" },
    });
    const v = t;
    vi.useFakeTimers({ toFake: ["Date"], now: v.clock.now() });
    const user = await v.addUser("lou");
    const secret = await v.enrolApp(user);
    const b = await toVerify(v, "lou");
    await b.post("/login/verify", { code: wrongCode(v, secret, 0) });
    await b.post("/login/verify", { code: wrongCode(v, secret, 1) });

    const supUser = await v.addUser("sue", { role: "supervisor" });
    const sue = await v.signIn("sue", await v.enrolApp(supUser));
    const page = await sue.get(`/users/${user.id}`);
    expect(page.body).toContain("<td>Locked until 2030-01-01 00:15:10 UTC</td>");

    const other = await v.addUser("ola");
    const ola = await v.signIn("ola", await v.enrolApp(other));
    await ola.get("/");
    const refused = await ola.post(`/users/${user.id}/unlock`, {});
    expect(refused.statusCode).toBe(403);
    expect((await v.system.limits.secondFactor.check(user.id)).allowed).toBe(false);
  });
});
