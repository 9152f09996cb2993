import { describe, expect, it } from "vitest";
import { checkReturnAddress, type ReturnPolicy } from "./return-address.js";

// `rd`: where forward-auth sends a browser after sign-in. An open redirect on the sign-in
// service is a phishing tool: each hostile form below is refused.

const domain: ReturnPolicy = {
  cookieDomain: "example.org",
  publicHost: "signin.example.org",
  allowHttpLoopback: false,
};
const trial: ReturnPolicy = {
  cookieDomain: undefined,
  publicHost: "127.0.0.1",
  allowHttpLoopback: true,
};

describe("with FORWARD_AUTH_COOKIE_DOMAIN=.example.org", () => {
  it.each([
    ["https://app.example.org/wiki?page=1#top", "https://app.example.org/wiki?page=1#top"],
    ["https://example.org/", "https://example.org/"],
    ["https://deep.team.example.org:8443/x", "https://deep.team.example.org:8443/x"],
    ["HTTPS://APP.Example.ORG/Path", "https://app.example.org/Path"],
    ["https://signin.example.org/users", "https://signin.example.org/users"],
  ])("follows %s", (rd, followed) => {
    expect(checkReturnAddress(rd, domain)).toBe(followed);
  });

  it.each([
    ["a look-alike domain", "https://evilexample.org/"],
    ["the domain as a prefix of another", "https://example.org.evil.com/"],
    ["a scheme-relative address", "//evil.com/"],
    ["a scheme-relative address to an allowed host", "//app.example.org/"],
    ["a backslash browsers read as a slash", "https:/\\evil.com"],
    ["backslashes for slashes", "https:\\\\evil.com"],
    ["a backslash inside an allowed-looking address", "https://app.example.org\\@evil.com"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["javascript: disguised with case and space", " JavaScript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["a path only", "/account"],
    ["no slashes after the scheme", "https:evil.com"],
    ["one slash after the scheme", "https:/evil.com"],
    ["user info before the host", "https://app.example.org@evil.com/"],
    ["user info naming an allowed host", "https://evil.com@app.example.org/"],
    ["a password in user info", "https://a:b@app.example.org/"],
    ["plain http", "http://app.example.org/"],
    ["plain http to localhost outside development", "http://localhost/"],
    ["a trailing dot", "https://app.example.org./"],
    ["a tab inside the scheme", "ht\ttps://app.example.org/"],
    ["a newline", "https://app.example.org/\nLocation: https://evil.com"],
    ["a percent-encoded host", "https://%65vil.com/"],
    ["a percent-encoded dot", "https://evil%2Ecom/"],
    ["an encoded slash making another host", "https://evil.com%2F.example.org/"],
    ["non-ASCII that folds to an allowed name", "https://app.exаmple.org/"],
    ["an IP address", "https://192.0.2.1/"],
    ["ftp", "ftp://app.example.org/"],
    ["the empty string", ""],
    ["a huge address", `https://app.example.org/${"a".repeat(3000)}`],
  ])("refuses %s", (_what, rd) => {
    expect(checkReturnAddress(rd, domain)).toBeUndefined();
  });
});

describe("without a cookie domain (a trial on one machine)", () => {
  it("follows only PUBLIC_URL's host, on any port, http on loopback in development", () => {
    expect(checkReturnAddress("http://127.0.0.1:8080/app", trial)).toBe(
      "http://127.0.0.1:8080/app",
    );
    expect(checkReturnAddress("http://localhost:8080/", trial)).toBeUndefined();
    expect(checkReturnAddress("http://127.0.0.2/", trial)).toBeUndefined();
    expect(checkReturnAddress("https://app.example.org/", trial)).toBeUndefined();
  });

  it("http only in development, and only to loopback", () => {
    const production = { ...trial, allowHttpLoopback: false };
    expect(checkReturnAddress("http://127.0.0.1:8080/", production)).toBeUndefined();
    const named = { ...trial, publicHost: "signin.example.org" };
    expect(checkReturnAddress("http://signin.example.org/", named)).toBeUndefined();
    expect(checkReturnAddress("https://signin.example.org/", named)).toBe(
      "https://signin.example.org/",
    );
  });
});
