// Issue 11: recovery codes in the sign-in. Shown once after Save (with Download), used to
// sign in once and not twice, counted in the same wrong-code limits as every code, one
// argon2id hash per attempt, the user told when few are left and emailed when one is used;
// one code raced 20 times signs in once, on SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from "vitest";
import { createPasswordHasher, type PasswordHasher } from "../../src/core/password.js";
import { hashToken } from "../../src/core/secrets.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  continueAfterSave,
  csrfOf,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  recoveryCodesOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import { atVerify, userWithCodes } from "../support/recovery.js";

let v: Vestibule | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

/** Counts every argon2id computation of the hasher the system uses. */
function countingHasher(real: PasswordHasher): PasswordHasher & { calls: number } {
  const counted = {
    calls: 0,
    hash: (p: string) => {
      counted.calls++;
      return real.hash(p);
    },
    verify: (h: string, p: string) => {
      counted.calls++;
      return real.verify(h, p);
    },
    verifyDummy: (p: string) => {
      counted.calls++;
      return real.verifyDummy(p);
    },
  };
  return counted;
}

describe("shown once after Save", () => {
  it("ten grouped codes from the look-alike-free alphabet, a Download, a warning; stored only as argon2id hashes", async () => {
    v = await startVestibule({ methods: ["app"] });
    const ada = await v.addUser("ada", { email: "ada@example.test" });
    const b = v.browser();
    await b.get("/login");
    await b.post("/login", { username: "ada", password: DEFAULT_PASSWORD });
    await b.get("/login/setup?show=1");
    const key = manualKeyOf(b.html)!;
    const saved = await b.post("/login/setup", { code: generateTotp(key, v.clock.now()) });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers["cache-control"]).toBe("no-store");
    const codes = recoveryCodesOf(saved.body);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes)
      expect(c).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(saved.body).toContain("they are shown only this once");
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added");

    // Nothing keeps them in clear: argon2id hashes, and the look-up group.
    const rows = await v.system.database.db
      .selectFrom("recovery_codes")
      .selectAll()
      .where("user_id", "=", ada.id)
      .execute();
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.code_hash).toMatch(/^\$argon2id\$/);
      for (const c of codes) expect(row.code_hash).not.toContain(c.replace(/-/g, ""));
    }
    const issued = await v.system.stores.audit.list({ type: "recovery_codes_issued", limit: 5 });
    expect(issued.map((e) => e.detail)).toEqual([{ count: 10, via: "setup" }]);
    expect(JSON.stringify(issued)).not.toContain(codes[0]!);
    const mail = (await v.system.stores.outbox.pending()).filter(
      (m) => m.kind === "recovery_codes_issued",
    );
    expect(mail.map((m) => m.to)).toEqual(["ada@example.test"]);
    expect(mail[0]!.text).not.toContain(codes[0]!);

    // Download: the page's own form, answered as an attachment.
    const file = await b.post("/login/recovery-codes.txt", { codes }, { csrf: csrfOf(saved.body) });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(file.headers["content-disposition"]).toMatch(
      /^attachment; filename="[\w.-]+-recovery-codes\.txt"$/,
    );
    for (const c of codes) expect(file.body).toContain(c);

    // Then "sign in again": the codes are not shown anywhere any more.
    const login = await b.get(continueAfterSave(saved));
    expect(login.body).toContain("Please sign in again");
    expect(login.body).not.toContain(codes[0]!);
  });

  it("Download refuses anything but our codes (no page of the sender's making), and a form without its CSRF token", async () => {
    v = await startVestibule({ methods: ["app"] });
    const b = v.browser();
    await b.get("/login");
    const bad = await b.post("/login/recovery-codes.txt", { codes: ["<script>alert(1)</script>"] });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-disposition"]).toBeUndefined();
    expect(bad.body).not.toContain("<script>alert");
    const csrf = csrfOf((await b.get("/login")).body);
    expect((await b.post("/login/recovery-codes.txt", {}, { csrf })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 11 }, () => "ABCD-EFGH-JKMN");
    const many = await b.post("/login/recovery-codes.txt", { codes: tooMany }, { csrf });
    expect(many.statusCode).toBe(400);
    const forged = await b.post(
      "/login/recovery-codes.txt",
      { codes: ["ABCD-EFGH-JKMN"] },
      { csrf: "0".repeat(64) },
    );
    expect(forged.statusCode).toBe(403);
  });
});

describe("signing in with a recovery code", () => {
  it("works once, with amr pwd+rc; twice is refused and says the code was used; the user is emailed", async () => {
    v = await startVestibule({ methods: ["app"] });
    const { user, codes } = await userWithCodes(v, "bea", "bea@example.test");
    const b = await atVerify(v, "bea");
    expect(b.html).toContain('href="/login/verify/recovery"');
    expect(b.html).toContain("Use one of your recovery codes, or ask a supervisor");
    const form = await b.get("/login/verify/recovery");
    expect(form.body).toContain("You have 10 recovery codes left.");
    // Typed in lower case with spaces: the same code.
    const typed = codes[0]!.toLowerCase().replace(/-/g, " ");
    const done = await b.post("/login/verify", { form: "recovery", code: typed });
    expect(location(done)).toBe("/");
    const session = await v.system.stores.sessions.find(
      hashToken(b.jar.get("vst_session")!),
      v.clock.now(),
    );
    expect(session?.amr).toEqual(["pwd", "rc"]);
    expect(await v.system.stores.recoveryCodes.countLeft(user.id)).toBe(9);
    const used = await v.system.stores.audit.list({ type: "recovery_code_used", limit: 5 });
    expect(used.map((e) => e.detail)).toEqual([{ left: 9 }]);
    const mail = (await v.system.stores.outbox.pending()).filter(
      (m) => m.kind === "recovery_code_used",
    );
    expect(mail.map((m) => m.to)).toEqual(["bea@example.test"]);
    expect(mail[0]!.text).toContain("9 recovery codes are left.");

    const again = await atVerify(v, "bea");
    await again.get("/login/verify/recovery");
    const twice = await again.post("/login/verify", { form: "recovery", code: codes[0]! });
    expect(twice.statusCode).toBe(401);
    expect(twice.body).toContain("That recovery code was used already");
    expect(again.jar.has("vst_session")).toBe(false);
    // Not a guess: the attempt went back.
    expect(twice.body).toContain("You have 5 tries left");
  });

  it("two or fewer left: the form says so; wrong codes count in the same limits as every code", async () => {
    v = await startVestibule({ methods: ["app"] });
    const { user, codes } = await userWithCodes(v, "cid");
    const ids = (
      await v.system.database.db
        .selectFrom("recovery_codes")
        .select("id")
        .where("user_id", "=", user.id)
        .execute()
    ).map((r) => r.id);
    for (const id of ids.slice(0, 8)) await v.system.stores.recoveryCodes.use(id, v.clock.now());
    const b = await atVerify(v, "cid");
    const form = await b.get("/login/verify/recovery");
    expect(form.body).toContain("You have 2 recovery codes left.");
    expect(form.body).toContain(
      "Few are left: after signing in, make new ones on your account page.",
    );

    // Wrong codes: counted (tries left shrink), then the sign-in ends as with app codes.
    const wrong = "ZZZZ-ZZZZ-ZZZZ";
    expect(codes.map((c) => c.slice(0, 4))).not.toContain("ZZZZ");
    for (let left = 4; left >= 1; left--) {
      const res = await b.post("/login/verify", { form: "recovery", code: wrong });
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain(
        left === 1 ? "You have 1 try left" : `You have ${left} tries left`,
      );
    }
    const last = await b.post("/login/verify", { form: "recovery", code: wrong });
    expect(location(last)).toBe("/login?notice=too_many_codes");
    const failed = await v.system.stores.audit.list({ type: "second_factor_failed", limit: 10 });
    expect(failed.every((e) => e.detail.recoveryCode === true)).toBe(true);
    // A malformed answer is not a guess.
    const c = await atVerify(v, "cid");
    const odd = await c.post("/login/verify", { form: "recovery", code: "ABC" });
    expect(odd.statusCode).toBe(400);
  });

  it("one attempt costs one argon2id hash, never ten; an app code costs none", async () => {
    const hasher = countingHasher(await createPasswordHasher({ memoryCost: 8, timeCost: 1 }));
    v = await startVestibule({ methods: ["app"], overrides: { hasher } });
    const { codes, secret } = await userWithCodes(v, "dan");
    const b = await atVerify(v, "dan");
    const tries: [string, number][] = [
      ["ZZZZ-ZZZZ-ZZZZ", 1], // no such look-up group: one dummy hash
      [`${codes[3]!.slice(0, 5)}ZZZZ-ZZZZ`, 1], // the group of a real code, the rest wrong
      [v.totp(secret, 5), 0], // an app code: no hash at all
      [codes[3]!, 1], // right
    ];
    for (const [answer, expected] of tries) {
      hasher.calls = 0;
      await b.post("/login/verify", { code: answer });
      expect(hasher.calls, answer).toBe(expected);
    }
    expect(b.jar.has("vst_session")).toBe(true);
  });
});
