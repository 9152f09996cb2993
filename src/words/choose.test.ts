import { describe, expect, it } from "vitest";
import { acceptedLocale, asLocale, chooseLocale } from "./choose.js";

describe("Accept-Language", () => {
  it.each([
    ["de-CH", "de"],
    ["de-DE,de;q=0.9,en;q=0.8", "de"],
    ["fr-CA, en;q=0.5", "fr"],
    ["en-GB,en;q=0.9", "en"],
    ["ja, fr;q=0.4, de;q=0.7", "de"],
    ["de;q=0.5, fr;q=0.5", "de"],
    ["en;q=0, fr;q=0.1", "fr"],
    ["FR", "fr"],
    ["*", "en"],
    ["ja, *;q=0.1", "en"],
  ])("%j → %s", (header, locale) => {
    expect(acceptedLocale(header, "en")).toBe(locale);
  });

  it.each([undefined, "", "ja", "de;q=0", "de;q=abc", "x-klingon", ";;;,,,", "de;q=2"])(
    "%j asks for none of ours",
    (header) => {
      expect(acceptedLocale(header, "en")).toBeUndefined();
    },
  );
});

describe("chooseLocale: the user's choice, then the browser's, then DEFAULT_LOCALE", () => {
  it("takes them in that order", () => {
    expect(chooseLocale({ chosen: "fr", acceptLanguage: "de", fallback: "en" })).toBe("fr");
    expect(chooseLocale({ chosen: null, acceptLanguage: "de", fallback: "en" })).toBe("de");
    expect(chooseLocale({ chosen: "xx", acceptLanguage: "ja", fallback: "fr" })).toBe("fr");
    expect(chooseLocale({ fallback: "de" })).toBe("de");
  });

  it("reads only our languages from a stored value", () => {
    expect(asLocale("de")).toBe("de");
    expect(asLocale("de-CH")).toBeUndefined();
    expect(asLocale("constructor")).toBeUndefined();
    expect(asLocale(null)).toBeUndefined();
  });
});
