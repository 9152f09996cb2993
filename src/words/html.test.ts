import { describe, expect, it } from "vitest";
import { html, tHtml } from "./html.js";

describe("tHtml", () => {
  it("escapes the word and its text values, and places Html values as markup", () => {
    const out = tHtml("en", "home.signed_in", {
      app: `<i>A&B</i>`,
      username: html`<strong>${"<bob>"}</strong>`,
    });
    expect(out.value).toBe(
      "You are signed in to &lt;i&gt;A&amp;B&lt;/i&gt; as <strong>&lt;bob&gt;</strong>.",
    );
  });

  it("escapes the words themselves", () => {
    expect(tHtml("en", "setup.manual_key").value).toBe(
      "Can&#39;t scan it? Enter this key in your app instead:",
    );
  });

  it("chooses plural forms like t()", () => {
    const one = tHtml("en", "codes.resend_wait", { count: 1 });
    expect(one.value).toBe("You can ask for a new code in 1 second.");
  });
});
