// Issue 12, trust: a favicon on every page (served with a long cache), APP_NAME and
// LOGO_URL heading every page and every email, links in the brand's colour.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, location, startVestibule, type Vestibule } from "../support/harness.js";

let t: Vestibule;
afterEach(async () => {
  await t?.close();
});

const LOGO = "https://cdn.example.org/brand/logo.svg";

describe("branding", () => {
  it("a favicon, linked from every page, served with a year's cache", async () => {
    t = await startVestibule({ methods: ["app"] });
    const icon = await t.app.inject({ method: "GET", url: "/assets/favicon.svg" });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect(icon.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(icon.body).toMatch(/^<svg /);
    const ico = await t.app.inject({ method: "GET", url: "/favicon.ico" });
    expect(ico.statusCode).toBe(301);
    expect(ico.headers.location).toBe("/assets/favicon.svg");

    const user = await t.addUser("ann");
    const b = await t.signIn("ann", await t.enrolApp(user));
    for (const url of ["/login", "/", "/no-such-page", "/account"]) {
      const page = await b.get(url);
      expect(page.body).toContain(
        '<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">',
      );
    }
  });

  it("links follow the brand's colour variable", async () => {
    t = await startVestibule({ methods: ["app"] });
    const css = (await t.app.inject({ method: "GET", url: "/assets/app.css" })).body;
    expect(css).toMatch(/--brand: var\(--blue\);/);
    expect(css).toMatch(/a,\na:visited \{\n {2}color: var\(--link\);/);
    expect(css).toMatch(/--link: var\(--brand\);/);
  });

  it("APP_NAME and LOGO_URL head every page (the logo's origin allowed in img-src) and every email", async () => {
    t = await startVestibule({
      methods: ["email"],
      env: { APP_NAME: "Acme Portal", LOGO_URL: LOGO },
    });
    await t.addUser("bea", { email: "bea@example.org" });
    const b = t.browser();
    for (const url of ["/login", "/no-such-page"]) {
      const page = await b.get(url);
      expect(page.body).toContain(
        `<header class="top"><span class="brand"><img src="${LOGO}" alt="">Acme Portal</span>`,
      );
      expect(page.body).toContain("<title>");
      expect(page.body).toMatch(/<title>[^<]* · Acme Portal<\/title>/);
      expect(String(page.headers["content-security-policy"])).toContain(
        "img-src 'self' data: https://cdn.example.org;",
      );
    }
    await b.get("/login");
    const res = await b.post("/login", { username: "bea", password: DEFAULT_PASSWORD });
    expect(location(res)).toBe("/login/verify");
    const sent = t.system.delivery.outbox?.list().find((m) => m.to === "bea@example.org");
    expect(sent?.subject).toBe("Your Acme Portal verification code");
  });

  it("the HTML of an email carries the name and the logo", async () => {
    const { codeEmail, noticeEmail } = await import("../../src/delivery/messages.js");
    const code = codeEmail("en", { appName: "Acme", logoUrl: LOGO, code: "123456", minutes: 5 });
    expect(code.html).toContain(`<img src="${LOGO}" alt="" height="32"`);
    expect(code.html).toContain(">Acme</p>");
    const notice = noticeEmail({ appName: "Acme" }, "Subject", ["line"]);
    expect(notice.html).not.toContain("<img");
    expect(notice.html).toContain('<p style="font-weight:bold">Acme</p>');
  });
});
