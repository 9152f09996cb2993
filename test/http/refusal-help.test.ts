// Issue 11: when a code is refused, help. An app code that would be right up to 10
// minutes away says the phone's clock looks N minutes ahead or behind (still wrong,
// counted, never accepted; the audit event and the supervisor's user page show the
// offset); a code just used says so; the screen says how many tries are left and what to
// do when the phone is lost.
import { afterEach, describe, expect, it } from "vitest";
import { startVestibule, type Vestibule } from "../support/harness.js";
import { atVerify } from "../support/recovery.js";

let v: Vestibule | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

describe("a refused code, explained", () => {
  it("a phone 5 minutes ahead: said so, counted, not accepted; the offset is audited and on the user page", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const ann = await t.addUser("ann");
    const secret = await t.enrolApp(ann);
    const b = await atVerify(t, "ann");
    expect(b.html).toContain("You have 5 tries left before this sign-in ends.");
    expect(b.html).toContain("Lost your phone?");
    expect(b.html).toContain("Ask a supervisor to reset your sign-in (Force New Password).");

    const ahead = await b.post("/login/verify", { code: t.totp(secret, 10) });
    expect(ahead.statusCode).toBe(401);
    expect(ahead.body).toContain("That code is not valid.");
    expect(ahead.body).toContain("clock looks about 5 minutes ahead.");
    expect(ahead.body).toContain("Turn on automatic date and time");
    expect(ahead.body).toContain("You have 4 tries left");
    expect(b.jar.has("vst_session")).toBe(false);
    const behind = await b.post("/login/verify", { code: t.totp(secret, -6) });
    expect(behind.body).toContain("clock looks about 3 minutes behind.");
    // Beyond 10 minutes: just wrong.
    const far = await b.post("/login/verify", { code: t.totp(secret, 40) });
    expect(far.body).not.toContain("clock");
    expect(far.body).toContain("You have 2 tries left");

    const failed = await t.system.stores.audit.list({ type: "second_factor_failed", limit: 10 });
    expect(failed.map((e) => e.detail.clockOffsetSeconds)).toEqual([undefined, -180, 300]);

    const root = await t.addUser("root", { role: "administrator" });
    const admin = await t.signIn("root", await t.enrolApp(root));
    const page = await admin.get(`/users/${ann.id}`);
    expect(page.body).toContain("Phone clock at the last wrong code");
    expect(page.body).toContain("Phone clock about 3 minutes behind");
    const audit = await admin.get(`/audit?user=${ann.username}`);
    expect(audit.statusCode).toBe(200);
  });

  it("the same code twice (a second tab): refused as just used, wait for the next; not counted", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const bo = await t.addUser("bo");
    const secret = await t.enrolApp(bo);
    const first = await atVerify(t, "bo");
    const second = await atVerify(t, "bo");
    const code = t.totp(secret);
    await first.post("/login/verify", { code });
    expect(first.jar.has("vst_session")).toBe(true);
    const replay = await second.post("/login/verify", { code });
    expect(replay.statusCode).toBe(401);
    expect(replay.body).toContain(
      "That code was just used. Wait for your app to show the next code, then enter that one.",
    );
    expect(replay.body).toContain("You have 5 tries left");
  });
});
