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
    expect(sms).toBe("049381 is your Vestibule verification code. It expires in 10 minutes.");
    expect(sms.length).toBeLessThanOrEqual(160);
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
