import { describe, expect, it } from "vitest";
import { LOCALES, type Locale, t, type Word, wordTable } from "./catalogue.js";

const english = wordTable("en");
const ids = Object.keys(english).sort();

function forms(word: Word): [string, string][] {
  return typeof word === "string" ? [["", word]] : Object.entries(word);
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
}

/** Every placeholder any form of the word uses, sorted and unique. */
function placeholderSet(word: Word): string[] {
  return [...new Set(forms(word).flatMap(([, text]) => placeholders(text)))].sort();
}

describe.each(LOCALES)("the %s table", (locale: Locale) => {
  const table = wordTable(locale);
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;

  it("has exactly the English ids: none missing, none extra", () => {
    expect(Object.keys(table).sort()).toEqual(ids);
  });

  it("uses in every form exactly the placeholders of the English word", () => {
    for (const id of ids) {
      const expected = placeholderSet(english[id as keyof typeof english]);
      for (const [form, text] of forms(table[id as keyof typeof table])) {
        expect(placeholders(text).sort(), `${locale} ${id} ${form}`).toEqual(
          expect.arrayContaining(expected),
        );
        expect([...new Set(placeholders(text))].sort(), `${locale} ${id} ${form}`).toEqual(
          expected,
        );
      }
    }
  });

  it("has no stray braces (a typo would show a '{' to the reader)", () => {
    for (const id of ids) {
      for (const [form, text] of forms(table[id as keyof typeof table])) {
        expect(text.replace(/\{\w+\}/g, ""), `${locale} ${id} ${form}`).not.toMatch(/[{}]/);
      }
    }
  });

  it("gives a plural word exactly the plural forms Intl.PluralRules selects in this language", () => {
    expect(categories.length).toBeGreaterThan(1);
    for (const id of ids) {
      const englishWord = english[id as keyof typeof english];
      const word = table[id as keyof typeof table];
      expect(typeof word, `${locale} ${id}`).toBe(typeof englishWord);
      if (typeof word === "string") continue;
      expect(Object.keys(word).sort(), `${locale} ${id}`).toEqual([...categories].sort());
      expect(placeholderSet(word), `${locale} ${id} needs its {count}`).toContain("count");
    }
  });

  it("has no empty word", () => {
    for (const id of ids) {
      for (const [form, text] of forms(table[id as keyof typeof table])) {
        expect(text.trim(), `${locale} ${id} ${form}`).not.toBe("");
      }
    }
  });
});

describe("t()", () => {
  it("fills placeholders and escapes nothing: escaping is the template's job", () => {
    expect(t("en", "login.heading", { app: `<b>"A&B's"</b>` })).toBe(`Sign in to <b>"A&B's"</b>`);
    expect(t("en", "layout.title", { page: "{app}", app: "X" })).toBe("{app} · X");
  });

  it("returns a word without placeholders as it is", () => {
    expect(t("en", "login.submit")).toBe("Login");
  });

  it("chooses the plural form by {count} through Intl.PluralRules", () => {
    expect(t("en", "users.count", { count: 1 })).toBe("1 user.");
    expect(t("en", "users.count", { count: 0 })).toBe("0 users.");
    expect(t("en", "users.count", { count: 2 })).toBe("2 users.");
    expect(t("en", "sms.code", { code: "049381", app: "Vestibule", count: 1 })).toBe(
      "049381 is your Vestibule verification code. It expires in 1 minute. Not you? Change your password, tell IT.",
    );
  });

  it("chooses by the rules of the word's own language", () => {
    expect(t("de", "codes.resend_wait", { count: 1 })).toBe(
      "Einen neuen Code können Sie in 1 Sekunde anfordern.",
    );
    expect(t("de", "email.code.expiry", { count: 10 })).toBe("Er läuft in 10 Minuten ab.");
    // French: 0 and 1 are "one"; a million is "many" ("de minutes").
    expect(t("fr", "users.count", { count: 0 })).toBe("0 utilisateur.");
    expect(t("fr", "email.code.expiry", { count: 1_000_000 })).toBe(
      "Il expire dans 1000000 de minutes.",
    );
  });

  it("throws on a missing value instead of showing '{name}' (the types forbid it)", () => {
    // @ts-expect-error the app name is missing
    expect(() => t("en", "login.heading", {})).toThrow("{app}");
    // @ts-expect-error a plural word needs its count
    expect(() => t("en", "users.count")).toThrow("numeric {count}");
  });
});
