// Issue 14 (small ones): form routes answer 415 to anything but urlencoded form posts;
// ten set-up tabs confirmed at once tell the losers their key was replaced; the settings
// page says email codes are not a NIST-conformant second factor (in every language).
import { afterEach, describe, expect, it } from "vitest";
import { generateTotp } from "../../src/core/totp.js";
import { LOCALES, t as word } from "../../src/words/catalogue.js";
import {
  type Browser,
  continueAfterSave,
  csrfOf,
  DEFAULT_PASSWORD,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("form routes take urlencoded forms only", () => {
  it.each([
    ["application/json", JSON.stringify({ username: "alice", password: DEFAULT_PASSWORD })],
    ["text/plain", "username=alice"],
    ["multipart/form-data; boundary=x", "--x--"],
    ["application/xml", "<a/>"],
  ])("%s → 415, before any parser or rule reads it", async (type, body) => {
    t = await startVestibule({ methods: [] });
    await t.addUser("alice");
    const b = t.browser();
    await b.get("/login");
    const res = await b.request("POST", "/login", { body, headers: { "content-type": type } });
    expect(res.statusCode).toBe(415);
    expect(res.body).toContain("This page accepts only forms sent by a web browser.");
    expect(b.jar.has("vst_session")).toBe(false);
  });

  it("the staff pages too; a urlencoded form with a charset is a form", async () => {
    t = await startVestibule({ methods: [] });
    const admin = await t.addUser("root", { role: "administrator" });
    const b = await t.signIn("root");
    await b.get("/settings");
    const csrf = csrfOf(b.html);
    const json = await b.request("POST", "/settings", {
      body: JSON.stringify({ _csrf: csrf, methods: "email" }),
      headers: { "content-type": "application/json" },
    });
    expect(json.statusCode).toBe(415);
    const form = await b.request("POST", "/settings", {
      body: new URLSearchParams({ _csrf: csrf, methods: "app" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
    });
    expect(location(form)).toBe("/settings?notice=methods_saved");
    expect(admin.role).toBe("administrator");
  });

  it("a form bigger than any of ours is told it is too long", async () => {
    t = await startVestibule({ methods: [] });
    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username: "alice", password: "é".repeat(4097) });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain("What you sent is too long.");
  });
});

describe("ten set-up tabs confirmed at once", () => {
  it("one is told the app was added; the other nine that their key was replaced", async () => {
    t = await startVestibule({ methods: ["app"] });
    const v = t;
    const user = await v.addUser("tabs");
    const tabs: { b: Browser; key: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const b = v.browser();
      await b.get("/login");
      expect(
        location(await b.post("/login", { username: "tabs", password: DEFAULT_PASSWORD })),
      ).toBe("/login/setup");
      const key = manualKeyOf((await b.get("/login/setup?show=1")).body);
      if (!key) throw new Error("no key shown");
      tabs.push({ b, key });
    }
    expect(new Set(tabs.map((tab) => tab.key)).size).toBe(10);
    const results = await Promise.all(
      tabs.map(({ b, key }) => b.post("/login/setup", { code: generateTotp(key, v.clock.now()) })),
    );
    // Issue 11: the winner sees its recovery codes, with "sign in again".
    const notices = results.map((r) => continueAfterSave(r) || location(r));
    expect(notices.filter((n) => n === "/login?notice=app_added")).toHaveLength(1);
    expect(notices.filter((n) => n === "/login?notice=key_replaced")).toHaveLength(9);
    // The one told "added" holds the key that was bound.
    const winner = tabs[notices.indexOf("/login?notice=app_added")]!;
    v.clock.advance(30_000);
    expect((await v.signIn("tabs", winner.key)).jar.has("vst_session")).toBe(true);
    const page = await tabs[notices.indexOf("/login?notice=key_replaced")]!.b.get(
      "/login?notice=key_replaced",
    );
    expect(page.body).toContain("the key shown here was not saved");
    expect(user.id).toBeDefined();
  });
});

describe("the settings page on email codes", () => {
  it("says beside SMS that email codes are not a NIST-conformant second factor", async () => {
    t = await startVestibule({ methods: ["app"] });
    await t.addUser("root", { role: "administrator" });
    const b = await t.signIn(
      "root",
      await t.enrolApp((await t.system.stores.users.findByUsername("root"))!),
    );
    const page = await b.get("/settings");
    expect(page.body).toContain("Email codes are not a second factor that NIST SP 800-63B accepts");
    expect(
      page.body.indexOf("NIST SP 800-63B treats codes sent over the phone network"),
    ).toBeLessThan(page.body.indexOf("Email codes are not a second factor"));
  });

  it("in English, German and French", () => {
    for (const locale of LOCALES) {
      const text = word(locale, "settings.email_not_nist");
      expect(text, locale).toContain("NIST SP 800-63B");
      expect(text, locale).toMatch(/mail/i);
    }
  });
});
