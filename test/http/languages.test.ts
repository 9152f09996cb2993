// Issue 12, languages: the reader's language is their own choice, else their browser's
// Accept-Language, else DEFAULT_LOCALE; <html lang> follows; emails and SMS go out in the
// user's language; dates in TIME_ZONE.
import { afterEach, describe, expect, it } from "vitest";
import type { OutboxMessage } from "../../src/delivery/outbox.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule;
afterEach(async () => {
  await t?.close();
});

const langOf = (page: string) => /<html lang="([^"]+)">/.exec(page)?.[1];

async function getIn(b: Browser, url: string, acceptLanguage?: string) {
  return b.request("GET", url, {
    headers: acceptLanguage ? { "accept-language": acceptLanguage } : {},
  });
}

function mailTo(v: Vestibule, to: string): OutboxMessage | undefined {
  return v.system.delivery.outbox?.list().find((m) => m.to === to && m.channel === "email");
}

describe("which language a page speaks", () => {
  it("the browser's Accept-Language, by q-value and primary subtag", async () => {
    t = await startVestibule({ methods: ["app"] });
    const b = t.browser();
    const cases: [string | undefined, string, string][] = [
      [undefined, "en", "Sign in to Vestibule"],
      ["de-CH", "de", "Anmelden"],
      ["fr-CA,fr;q=0.9,en;q=0.5", "fr", "Se connecter"],
      ["ja, en;q=0.2, de;q=0.8", "de", "Anmelden"],
      ["ja", "en", "Sign in to Vestibule"],
    ];
    for (const [header, lang, word] of cases) {
      const page = (await getIn(b, "/login", header)).body;
      expect(langOf(page)).toBe(lang);
      expect(page).toContain(word);
    }
  });

  it("DEFAULT_LOCALE when the browser asks for none of ours; a refusal page too", async () => {
    t = await startVestibule({ methods: ["app"], env: { DEFAULT_LOCALE: "fr" } });
    const b = t.browser();
    expect(langOf((await getIn(b, "/login")).body)).toBe("fr");
    expect(langOf((await getIn(b, "/login", "ja")).body)).toBe("fr");
    expect(langOf((await getIn(b, "/login", "en-US")).body)).toBe("en");
    const missing = await getIn(b, "/no-such-page", "de");
    expect(missing.statusCode).toBe(404);
    expect(langOf(missing.body)).toBe("de");
    await getIn(b, "/login");
    const refused = await b.post("/login", { username: "nobody", password: "wrong words here" });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain("Le nom d");
  });

  it("the user's own choice beats the browser's; choosing none goes back to it", async () => {
    t = await startVestibule({ methods: ["app"] });
    const user = await t.addUser("greta");
    const b = await t.signIn("greta", await t.enrolApp(user));
    const home = (await getIn(b, "/", "de")).body;
    expect(langOf(home)).toBe("de");
    const account = (await getIn(b, "/account", "de")).body;
    expect(account).toContain('<h2 id="language-heading">Sprache</h2>');
    expect(account).toContain('<option value="" lang="de" selected>');

    const saved = await b.post("/account/language", { locale: "fr" });
    expect(location(saved)).toBe("/account?notice=language_saved#language");
    expect((await t.system.stores.users.findById(user.id))?.locale).toBe("fr");
    const after = (await getIn(b, "/account?notice=language_saved", "de")).body;
    expect(langOf(after)).toBe("fr");
    expect(after).toContain("Votre langue a été enregistrée.");
    expect(after).toContain('<option value="fr" lang="fr" selected>Français</option>');

    // Not one of ours: refused, nothing stored.
    for (const bad of ["es", "constructor", "de-CH"]) {
      const res = await b.post("/account/language", { locale: bad });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('<p class="error" role="alert">Choisissez'); // still French
    }
    expect((await t.system.stores.users.findById(user.id))?.locale).toBe("fr");

    await b.post("/account/language", { locale: "" });
    expect((await t.system.stores.users.findById(user.id))?.locale).toBeNull();
    expect(langOf((await getIn(b, "/", "de")).body)).toBe("de");
  });

  it("the language page needs a signed-in person and its token", async () => {
    t = await startVestibule({ methods: ["app"] });
    const user = await t.addUser("hal");
    const anonymous = t.browser();
    expect(location(await anonymous.get("/account/language"))).toBe("/account#language");
    expect(location(await anonymous.get("/account"))).toBe("/login");
    await anonymous.get("/login");
    expect(location(await anonymous.post("/account/language", { locale: "de" }))).toBe("/login");
    const b = await t.signIn("hal", await t.enrolApp(user));
    await b.get("/account");
    const forged = await b.post("/account/language", { locale: "de" }, { csrf: "0".repeat(64) });
    expect(forged.statusCode).toBe(403);
    expect((await t.system.stores.users.findById(user.id))?.locale).toBeNull();
  });
});

describe("messages in the user's language", () => {
  it("the code email follows the user's choice, else DEFAULT_LOCALE (no request to ask)", async () => {
    t = await startVestibule({ methods: ["email"], env: { DEFAULT_LOCALE: "fr" } });
    const dora = await t.addUser("dora", { email: "dora@example.org" });
    await t.system.stores.users.update(dora.id, { locale: "de" });
    await t.addUser("felix", { email: "felix@example.org" });
    for (const username of ["dora", "felix"]) {
      const b = t.browser();
      await getIn(b, "/login", "en");
      const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
      expect(location(res)).toBe("/login/verify");
    }
    const german = mailTo(t, "dora@example.org");
    expect(german?.subject).toBe("Ihr Bestätigungscode für Vestibule");
    expect(german?.body).toContain("IT-Support");
    const french = mailTo(t, "felix@example.org");
    expect(french?.subject).toContain("code de vérification");
    expect(french?.body).toContain("support informatique");
  });

  it("a notice email in the user's language, its time in TIME_ZONE", async () => {
    t = await startVestibule({
      methods: ["app"],
      env: { TIME_ZONE: "Europe/Berlin", DEFAULT_LOCALE: "de" },
    });
    const user = await t.addUser("ida", { email: "ida@example.org" });
    await t.system.stores.users.forceNewPassword(user.id, { at: t.clock.now(), byId: null });
    await t.system.audit({
      type: "force_new_password",
      userId: user.id,
      username: user.username,
      ip: "127.0.0.1",
    });
    await t.system.notices.drain();
    const mail = mailTo(t, "ida@example.org");
    // 2030-01-01 00:00:10 UTC is 01:00 in Berlin, written the German way.
    expect(mail?.body).toContain("01.01.2030, 01:00 MEZ");
    expect(mail?.subject).toContain("Vestibule");
  });
});

describe("TIME_ZONE on pages", () => {
  it("a user's page shows times in the installation's zone, in the reader's language", async () => {
    t = await startVestibule({ methods: ["app"], env: { TIME_ZONE: "America/New_York" } });
    const sup = await t.addUser("sue", { role: "administrator" });
    const user = await t.addUser("max");
    await t.system.stores.users.recordSignIn(user.id, t.clock.now());
    const b = await t.signIn("sue", await t.enrolApp(sup));
    // 2030-01-01 00:00:10 UTC is 19:00:10 the evening before in New York.
    const en = (await getIn(b, `/users/${user.id}`, "en")).body;
    expect(en).toContain("2029-12-31 19:00:10 EST");
    const de = (await getIn(b, `/users/${user.id}`, "de")).body;
    expect(de).toContain("31.12.2029, 19:00:10");
    // The audit log stays in UTC, the zone of the logs it is compared with.
    const audit = (await getIn(b, "/audit", "en")).body;
    expect(audit).toContain("2030-01-01 00:00:10 UTC");
  });
});
