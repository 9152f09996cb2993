import { describe, expect, it } from "vitest";
import {
  authenticatorAddedEmail,
  codeEmail,
  codeSms,
  secondFactorLockedEmail,
} from "./messages.js";

describe("code messages", () => {
  it("puts the code in the body, not the subject", () => {
    const email = codeEmail("en", { appName: "Vestibule", code: "049381", minutes: 10 });
    expect(email.subject).toBe("Your Vestibule verification code");
    expect(email.text).toContain("049381");
    expect(email.text).toContain("10 minutes");
    expect(email.html).toContain("049381");
  });

  it("escapes the app name in HTML", () => {
    const email = codeEmail("en", { appName: `<b>"A&B"</b>`, code: "123456", minutes: 1 });
    expect(email.html).not.toContain("<b>");
    expect(email.html).toContain("&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
    expect(email.text).toContain("1 minute.");
  });

  it("keeps the SMS short, code first", () => {
    const sms = codeSms("en", { appName: "Vestibule", code: "049381", minutes: 10 });
    expect(sms).toBe(
      "049381 is your Vestibule verification code. It expires in 10 minutes. Not you? Change your password, tell IT.",
    );
    expect(sms.length).toBeLessThanOrEqual(160);
    for (const locale of ["de", "fr"] as const) {
      const text = codeSms(locale, { appName: "Vestibule", code: "049381", minutes: 10 });
      expect(text.startsWith("049381 ")).toBe(true);
      expect(text.length).toBeLessThanOrEqual(160);
    }
  });

  it("says what to do if it was not you (someone has the password), not “ignore this email”", () => {
    const email = codeEmail("en", { appName: "Vestibule", code: "049381", minutes: 10 });
    for (const body of [email.text, email.html]) {
      expect(body).toContain(
        "someone else knows your password: change it now and tell your IT support.",
      );
      expect(body).not.toMatch(/ignore/i);
    }
    expect(codeEmail("de", { appName: "V", code: "1", minutes: 1 }).text).toContain("IT-Support");
    expect(codeEmail("fr", { appName: "V", code: "1", minutes: 1 }).text).toContain(
      "support informatique",
    );
  });
});

describe("notification emails", () => {
  it("says when an authenticator was added, in UTC", () => {
    const email = authenticatorAddedEmail("en", {
      appName: "Vestibule",
      username: "bob",
      at: Date.UTC(2024, 4, 1, 9, 30),
    });
    expect(email.text).toContain("bob");
    expect(email.text).toContain("2024-05-01 09:30 UTC");
    expect(email.html).toContain("Force New Password");
  });

  it("says for how long the second factor is paused, and escapes the username", () => {
    const email = secondFactorLockedEmail("en", {
      appName: "Vestibule",
      username: "<bob>",
      minutes: 15,
    });
    expect(email.text).toContain("15 minutes");
    expect(email.html).toContain("&lt;bob&gt;");
    expect(email.html).not.toContain("<bob>");
  });
});
