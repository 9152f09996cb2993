// Issue 2's limits over HTTP: wrong codes per sign-in and per account, password
// throttling per account and per address, same answer for unknown user and wrong
// password, and the hasher cap answering 503.
import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { GatedHasher } from "../../src/core/password.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  type Browser,
  csrfOf,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
  t = undefined;
});

/** A code that is not valid now (nor ±1 step) for this secret. */
function wrongCode(app: Vestibule, secret: string, n = 0): string {
  const valid = new Set([-1, 0, 1].map((d) => generateTotp(secret, app.clock.now() + d * 30_000)));
  for (let i = n; ; i++) {
    const code = String((i * 111_111 + 123_457) % 1_000_000).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

/** The password step of a sign-in that does not get past it. */
async function passwordRefused(app: Vestibule, username: string) {
  const b = app.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(b.jar.has("vst_signin")).toBe(false);
  return res;
}

async function toVerify(app: Vestibule, username: string): Promise<Browser> {
  const b = app.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe("/login/verify");
  await b.follow(res);
  return b;
}

describe("wrong codes", () => {
  it("5 wrong codes end the pending sign-in", async () => {
    t = await startVestibule({ methods: ["app"] });
    const secret = await t.enrolApp(await t.addUser("alice"));
    const b = await toVerify(t, "alice");
    const cookie = b.jar.get("vst_signin")!;
    for (let i = 0; i < 4; i++) {
      const res = await b.post("/login/verify", { code: wrongCode(t, secret, i) });
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain("That code is not valid");
    }
    const fifth = await b.post("/login/verify", { code: wrongCode(t, secret, 4) });
    expect(fifth.statusCode).toBe(303);
    expect(location(fifth)).toBe("/login?notice=too_many_codes");
    // The same cookie with the right code now gets nothing.
    // (The last page's _csrf is bound to that same cookie.)
    b.jar.set("vst_signin", cookie);
    const late = await b.post("/login/verify", { code: t.totp(secret) });
    expect(location(late)).toBe("/login?notice=expired");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("malformed codes are refused but not counted", async () => {
    t = await startVestibule({ methods: ["app"] });
    const secret = await t.enrolApp(await t.addUser("alice"));
    const b = await toVerify(t, "alice");
    for (let i = 0; i < 8; i++) {
      const res = await b.post("/login/verify", { code: "12ab56" });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain("Enter the 6-digit code.");
    }
    expect(location(await b.post("/login/verify", { code: t.totp(secret) }))).toBe("/");
  });

  it("10 consecutive wrong codes across sign-ins lock the second factor for 15 minutes", async () => {
    t = await startVestibule({ methods: ["app"] });
    const clock = t.clock;
    // rate-limiter-flexible reads Date.now(); keep it in step with the app's clock.
    vi.useFakeTimers({ toFake: ["Date"], now: clock.now() });
    const advance = (ms: number) => {
      clock.advance(ms);
      vi.setSystemTime(clock.now());
    };
    const user = await t.addUser("alice");
    const secret = await t.enrolApp(user);

    let n = 0;
    // A sign-in that reached verification before the lock (another browser, meanwhile).
    let early: Browser | undefined;
    for (let signin = 0; signin < 2; signin++) {
      const b = await toVerify(t, "alice");
      early ??= signin === 1 ? await toVerify(t, "alice") : undefined;
      for (let i = 0; i < 5; i++) {
        const res = await b.post("/login/verify", { code: wrongCode(t, secret, n++) });
        if (signin === 1 && i === 4) {
          expect(location(res)).toBe("/login?notice=locked&wait=900");
          const page = (await b.follow(res)).body;
          expect(page).toContain("Verification is locked for a while");
          expect(page).toContain("Try again in about 15 minutes.");
        }
      }
    }
    // A correct code while locked is refused, and its step is not spent.
    const locked = early as Browser;
    const refused = await locked.post("/login/verify", { code: t.totp(secret) });
    expect(location(refused)).toBe("/login?notice=locked&wait=900");
    expect(locked.jar.has("vst_session")).toBe(false);
    expect((await t.system.stores.authenticators.get(user.id))?.lastStep).toBe(0);
    // A new sign-in is told right after the password (issue 12), before typing a code: a
    // refusal with the wait and who can help, no pending sign-in.
    const told = await passwordRefused(t, "alice");
    expect(told.statusCode).toBe(429);
    expect(told.headers["retry-after"]).toBe("900");
    expect(told.body).toContain('<p class="error" role="alert">Too many incorrect codes');
    expect(told.body).toContain("Try again in about 15 minutes.");
    expect(told.body).toContain("ask a supervisor to unlock it");

    advance(14 * 60_000);
    const stillLocked = await passwordRefused(t, "alice");
    expect(stillLocked.statusCode).toBe(429);
    expect(stillLocked.body).toContain("Try again in 60 seconds.");

    advance(60_000 + 1000);
    const open = await toVerify(t, "alice");
    expect(location(await open.post("/login/verify", { code: t.totp(secret) }))).toBe("/");

    const types = (await t.system.stores.audit.list({ limit: 200 })).map((e) => e.type);
    expect(types).toContain("second_factor_locked");
  });

  it("a correct code resets the count of consecutive wrong codes", async () => {
    t = await startVestibule({ methods: ["app"] });
    const secret = await t.enrolApp(await t.addUser("alice"));
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const b = await toVerify(t, "alice");
      for (let i = 0; i < 4; i++)
        await b.post("/login/verify", { code: wrongCode(t, secret, n++) });
      expect(location(await b.post("/login/verify", { code: t.totp(secret) }))).toBe("/");
      t.clock.advance(30_000);
    }
  });
});

describe("password throttling", () => {
  it("per account: blocks the account, even with the right password and from another address", async () => {
    t = await startVestibule({
      methods: [],
      env: { LIMIT_PASSWORD_ACCOUNT: "3/900/900", LIMIT_PASSWORD_IP: "100/900/900" },
    });
    await t.addUser("alice");
    await t.addUser("bob");
    const b = t.browser("10.0.0.1");
    await b.get("/login");
    for (let i = 0; i < 3; i++) {
      const res = await b.post("/login", { username: "alice", password: `wrong guess ${i}` });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain("Too many failed attempts");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(800);
    const elsewhere = t.browser("10.0.0.2");
    await elsewhere.get("/login");
    expect(
      (await elsewhere.post("/login", { username: "alice", password: DEFAULT_PASSWORD }))
        .statusCode,
    ).toBe(429);
    // Another account from the same address is not affected; nor is case a way around it.
    expect(location(await b.post("/login", { username: "bob", password: DEFAULT_PASSWORD }))).toBe(
      "/",
    );
    const third = t.browser("10.0.0.3");
    await third.get("/login");
    expect(
      (await third.post("/login", { username: " ALICE ", password: DEFAULT_PASSWORD })).statusCode,
    ).toBe(429);
  });

  it("per address: blocks the address across usernames, others still sign in", async () => {
    t = await startVestibule({
      methods: [],
      env: { LIMIT_PASSWORD_ACCOUNT: "100/900/900", LIMIT_PASSWORD_IP: "3/900/900" },
    });
    await t.addUser("alice");
    const b = t.browser("10.0.0.9");
    await b.get("/login");
    for (const name of ["u1", "u2", "u3"]) {
      expect(
        (await b.post("/login", { username: name, password: "not the password" })).statusCode,
      ).toBe(401);
    }
    expect(
      (await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD })).statusCode,
    ).toBe(429);
    // Without TRUST_PROXY a forged X-Forwarded-For is not a way around it.
    const forged = await b.request("POST", "/login", {
      body: new URLSearchParams({
        _csrf: csrfOf(b.html),
        username: "alice",
        password: DEFAULT_PASSWORD,
      }).toString(),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-for": "203.0.113.7",
      },
    });
    expect(forged.statusCode).toBe(429);
    const other = t.browser("10.0.0.10");
    await other.get("/login");
    expect(
      location(await other.post("/login", { username: "alice", password: DEFAULT_PASSWORD })),
    ).toBe("/");
  });

  it("unknown user and wrong password: same status, same page, and both spend argon2 time", async () => {
    t = await startVestibule({ methods: ["app"] });
    const alice = await t.addUser("alice");
    const b = t.browser();
    await b.get("/login");
    // Both spend an argon2id verify: the real hash for alice, the dummy hash for the
    // unknown name (spied, not timed: no wall-clock assertions on 2 shared cores).
    const verify = vi.spyOn(t.system.hasher, "verify");
    const verifyDummy = vi.spyOn(t.system.hasher, "verifyDummy");
    const measure = async (username: string) => ({
      res: await b.post("/login", { username, password: "not the password" }),
    });
    const wrong = await measure("alice");
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verifyDummy).not.toHaveBeenCalled();
    expect(await verify.mock.results[0]?.value).toBe(false);
    expect(verify.mock.calls[0]?.[0]).toBe(alice.passwordHash);
    const unknown = await measure("alicf");
    expect(verifyDummy).toHaveBeenCalledTimes(1);
    expect(verifyDummy).toHaveBeenCalledWith("not the password");
    // The dummy is a real argon2id verify, against a hash that is not alice's.
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls[1]?.[0]).toMatch(/^\$argon2id\$/);
    expect(verify.mock.calls[1]?.[0]).not.toBe(alice.passwordHash);
    expect(verify.mock.calls[1]?.[1]).toBe("not the password");
    verify.mockRestore();
    verifyDummy.mockRestore();
    expect(wrong.res.statusCode).toBe(401);
    expect(unknown.res.statusCode).toBe(401);
    expect(unknown.res.statusCode).toBe(wrong.res.statusCode);
    const normalize = (body: string, name: string) =>
      body.replace(/name="_csrf" value="[^"]*"/, "").replace(`value="${name}"`, 'value="?"');
    expect(normalize(unknown.res.body, "alicf")).toBe(normalize(wrong.res.body, "alice"));
    expect(wrong.res.body).toContain("The username or password is incorrect.");
  });

  it("a login flood beyond the hasher cap is answered 503 quickly", async () => {
    t = await startVestibule({ methods: [], env: { HASH_CONCURRENCY: "1", HASH_QUEUE: "0" } });
    await t.addUser("alice");
    const b = t.browser();
    await b.get("/login");
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        b.post("/login", { username: "alice", password: "wrong pass" }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = results.find((r) => r.statusCode === 503)!;
    expect(busy.body).toContain("The service is busy");
    expect(busy.headers["retry-after"]).toBe("2");
  });

  it("with the hasher's slots and queue full, POST /login is 503 with Retry-After at once, no attempt counted", async () => {
    t = await startVestibule({
      methods: [],
      env: { HASH_CONCURRENCY: "1", HASH_QUEUE: "0", LIMIT_PASSWORD_ACCOUNT_IP: "3/900/900" },
    });
    await t.addUser("alice");
    const b = t.browser();
    await b.get("/login");
    // The gate's own state is unit-tested (core/password.test.ts); here it reads "full".
    const saturated = vi.spyOn(t.system.hasher as GatedHasher, "saturated").mockReturnValue(true);
    const verify = vi.spyOn(t.system.hasher, "verify");
    const busy = [];
    for (let i = 0; i < 6; i++) {
      busy.push(await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD }));
    }
    for (const res of busy) {
      expect(res.statusCode).toBe(503);
      expect(res.headers["retry-after"]).toBe("2");
      expect(res.headers["content-security-policy"]).toContain("script-src 'none'");
      expect(res.body).toContain("The service is busy");
      expect(res.cookies).toEqual([]);
    }
    // In the browser's language (issue 12), made without reading any store.
    const german = await b.request("POST", "/login", {
      body: "username=alice",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "accept-language": "de-CH",
      },
    });
    expect(german.statusCode).toBe(503);
    expect(german.body).toContain('<html lang="de">');
    expect(german.body).not.toContain("The service is busy");
    expect(verify).not.toHaveBeenCalled();
    // Six refusals, more than the three attempts the account + address allow: none was
    // counted, nothing was audited, and the right password signs in once there is room.
    expect((await t.system.stores.audit.list({ limit: 50 })).map((e) => e.type)).not.toContain(
      "password_throttled",
    );
    saturated.mockRestore();
    await b.get("/login");
    const ok = await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect(location(ok)).toBe("/");
  });

  it("a busy refusal reads no form: a body far beyond the limit, no CSRF token, is not read", async () => {
    t = await startVestibule({ methods: [], env: { HASH_CONCURRENCY: "1", HASH_QUEUE: "0" } });
    const b = t.browser();
    await b.get("/login");
    const megabyte = () => {
      const pulled = { bytes: 0 };
      let left = 64;
      const body = new Readable({
        read() {
          if (left-- <= 0) return this.push(null);
          const chunk = Buffer.alloc(16 * 1024, "a");
          pulled.bytes += chunk.length;
          this.push(chunk);
        },
      });
      return { body, pulled };
    };
    // Sent chunked (no Content-Length), so only reading it shows how long it is.
    const post = (payload: Readable) =>
      t!.app.inject({
        method: "POST",
        url: "/login",
        headers: {
          cookie: b.cookieHeader(),
          "content-type": "application/x-www-form-urlencoded",
          "transfer-encoding": "chunked",
        },
        payload,
      });
    // Not saturated: the same body is refused as too large, once Fastify read past the limit.
    const read = megabyte();
    expect((await post(read.body)).statusCode).toBe(413);
    expect(read.pulled.bytes).toBeGreaterThan(0);
    const saturated = vi.spyOn(t.system.hasher as GatedHasher, "saturated").mockReturnValue(true);
    const unread = megabyte();
    const res = await post(unread.body);
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("2");
    // Not one chunk of it was pulled: no parsing, no CSRF check (it has no token).
    expect(unread.pulled.bytes).toBe(0);
    expect(saturated).toHaveBeenCalled();
    // The Login page is turned away too, without a page rendered; the other steps go on
    // (a person half-way through finishes).
    const page = await b.get("/login");
    expect(page.statusCode).toBe(503);
    expect(page.headers["retry-after"]).toBe("2");
    expect(page.body).toContain("The service is busy");
    expect(page.body).not.toContain("_csrf");
    expect((await b.post("/login/verify", { code: "123456" })).statusCode).not.toBe(503);
  });

  it("while the hasher is full, a signed-in browser still reaches Login (forward-auth's rd)", async () => {
    t = await startVestibule({ methods: [], env: { HASH_CONCURRENCY: "1", HASH_QUEUE: "0" } });
    await t.addUser("alice");
    const b = t.browser();
    await b.get("/login");
    expect(
      location(await b.post("/login", { username: "alice", password: DEFAULT_PASSWORD })),
    ).toBe("/");
    vi.spyOn(t.system.hasher as GatedHasher, "saturated").mockReturnValue(true);
    expect((await b.get("/login")).statusCode).toBe(200);
    expect((await t.browser().get("/login")).statusCode).toBe(503);
  });

  it("the busy answer carries every security header the other answers carry (HSTS, framing, COOP…)", async () => {
    t = await startVestibule({
      methods: [],
      env: { PUBLIC_URL: "https://id.example.test", HASH_CONCURRENCY: "1", HASH_QUEUE: "0" },
    });
    const calm = await t.browser().get("/login");
    vi.spyOn(t.system.hasher as GatedHasher, "saturated").mockReturnValue(true);
    const busy = await t.browser().get("/login");
    expect(busy.statusCode).toBe(503);
    const helmetNames = [
      "strict-transport-security",
      "x-frame-options",
      "cross-origin-opener-policy",
      "cross-origin-resource-policy",
      "origin-agent-cluster",
      "x-content-type-options",
      "x-dns-prefetch-control",
      "x-download-options",
      "x-permitted-cross-domain-policies",
      "x-xss-protection",
      "referrer-policy",
    ];
    for (const name of helmetNames) {
      expect(calm.headers[name], name).toBeTruthy();
      expect(busy.headers[name], name).toBe(calm.headers[name]);
    }
  });
});
