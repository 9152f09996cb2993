import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const KEY = "k".repeat(40);

describe("loadConfig", () => {
  it("turns on Secure __Host- cookies for an https PUBLIC_URL", () => {
    const config = loadConfig({ SECRET_KEY: KEY, PUBLIC_URL: "https://sign-in.example.org/" });
    expect(config.secureCookies).toBe(true);
    expect(config.publicUrl).toBe("https://sign-in.example.org");
  });

  it("refuses a plain-http PUBLIC_URL in production unless it is this machine", () => {
    const env = { NODE_ENV: "production", SECRET_KEY: KEY };
    expect(() => loadConfig({ ...env, PUBLIC_URL: "http://sign-in.example.org" })).toThrow(
      /PUBLIC_URL must be https/,
    );
    expect(() => loadConfig({ ...env, PUBLIC_URL: "http://10.0.0.5:3000" })).toThrow(ConfigError);
    expect(loadConfig({ ...env, PUBLIC_URL: "http://127.0.0.1:3000" }).secureCookies).toBe(false);
    expect(loadConfig({ ...env }).publicUrl).toBe("http://localhost:3000");
  });

  it("requires SECRET_KEY in production, 32 characters or more", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/SECRET_KEY is required/);
    expect(() => loadConfig({ SECRET_KEY: "short" })).toThrow(/at least 32/);
  });

  it("names the variable when a number or a limit is malformed", () => {
    expect(() => loadConfig({ SECRET_KEY: KEY, PORT: "http" })).toThrow(/PORT must be/);
    expect(() => loadConfig({ SECRET_KEY: KEY, LIMIT_PASSWORD_IP: "5/60" })).toThrow(
      /LIMIT_PASSWORD_IP must be points\/windowSeconds\/blockSeconds/,
    );
    expect(() => loadConfig({ SECRET_KEY: KEY, DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL/,
    );
  });

  it("reads limits as points/window/block", () => {
    const config = loadConfig({ SECRET_KEY: KEY, LIMIT_PASSWORD_ACCOUNT: "3/60/120" });
    expect(config.passwordLimits.account).toEqual({
      points: 3,
      windowSeconds: 60,
      blockSeconds: 120,
    });
  });

  it("refuses an APP_NAME with a colon, in one line naming APP_NAME", () => {
    // otpauth://totp/Issuer:username — the Key URI Format splits the label at the colon.
    let message = "";
    try {
      loadConfig({ SECRET_KEY: KEY, APP_NAME: "Acme: Sign-in" });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^APP_NAME must not contain ":"/);
    expect(message).not.toContain("\n");
    expect(loadConfig({ SECRET_KEY: KEY, APP_NAME: " Acme Sign-in " }).appName).toBe(
      "Acme Sign-in",
    );
  });

  it("APP_NAME is a context word of the password rules; 12 and 15 characters, at most 128", () => {
    const rules = loadConfig({ SECRET_KEY: KEY, APP_NAME: "Northwind" }).passwordRules;
    expect(rules).toEqual({
      minLength: 12,
      singleFactorMinLength: 15,
      maxLength: 128,
      contextWords: ["Northwind"],
    });
  });

  it("the cheap test hash only under NODE_ENV=test; production and development refuse it", () => {
    const cheap = { SECRET_KEY: KEY, VESTIBULE_TEST_CHEAP_HASH: "1" };
    expect(loadConfig({ ...cheap, NODE_ENV: "test" }).hasher).toMatchObject({
      memoryCost: 1024,
      timeCost: 1,
    });
    expect(() => loadConfig({ ...cheap, NODE_ENV: "production" })).toThrow(
      /VESTIBULE_TEST_CHEAP_HASH is for the test suite only/,
    );
    expect(() => loadConfig({ ...cheap })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...cheap, NODE_ENV: "test", VESTIBULE_TEST_CHEAP_HASH: "yes" }),
    ).toThrow(/VESTIBULE_TEST_CHEAP_HASH must be 1/);
    const normal = loadConfig({ SECRET_KEY: KEY, NODE_ENV: "test" }).hasher;
    expect(normal.memoryCost).toBeUndefined();
    expect(normal.timeCost).toBeUndefined();
  });

  it("password limits: account+address tight, account loose, address, device", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).passwordLimits).toEqual({
      accountAddress: { points: 10, windowSeconds: 900, blockSeconds: 900 },
      account: { points: 100, windowSeconds: 3600, blockSeconds: 3600 },
      address: { points: 50, windowSeconds: 900, blockSeconds: 900 },
      device: { points: 10, windowSeconds: 900, blockSeconds: 900 },
    });
    const set = loadConfig({
      SECRET_KEY: KEY,
      LIMIT_PASSWORD_ACCOUNT_IP: "5/600/600",
      LIMIT_PASSWORD_DEVICE: "20/900/300",
    }).passwordLimits;
    expect(set.accountAddress).toEqual({ points: 5, windowSeconds: 600, blockSeconds: 600 });
    expect(set.device).toEqual({ points: 20, windowSeconds: 900, blockSeconds: 300 });
  });

  it("second-factor lock: 10 per block from 15 minutes up to a day, locked at 100", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).secondFactorLock).toEqual({
      failuresPerBlock: 10,
      firstBlockSeconds: 900,
      maxBlockSeconds: 86400,
      cap: 100,
      rememberSeconds: 21 * 86400,
    });
    const set = loadConfig({
      SECRET_KEY: KEY,
      LIMIT_SECOND_FACTOR: "5/86400/600",
      LIMIT_SECOND_FACTOR_CAP: "50",
    }).secondFactorLock;
    expect(set).toMatchObject({ failuresPerBlock: 5, firstBlockSeconds: 600, cap: 50 });
    // Without a cap: the most whole blocks within 100.
    const three = loadConfig({ SECRET_KEY: KEY, LIMIT_SECOND_FACTOR: "3/86400/900" });
    expect(three.secondFactorLock.cap).toBe(99);
    expect(() => loadConfig({ SECRET_KEY: KEY, LIMIT_SECOND_FACTOR_CAP: "101" })).toThrow(
      /LIMIT_SECOND_FACTOR_CAP must be a whole number from 10 to 100/,
    );
    expect(() => loadConfig({ SECRET_KEY: KEY, LIMIT_SECOND_FACTOR_CAP: "95" })).toThrow(
      /LIMIT_SECOND_FACTOR_CAP must be a multiple/,
    );
    expect(() =>
      loadConfig({ SECRET_KEY: KEY, LIMIT_SECOND_FACTOR_REMEMBER: String(30 * 86400) }),
    ).toThrow(/LIMIT_SECOND_FACTOR_REMEMBER/);
  });
});

describe("FORWARD_AUTH_COOKIE_DOMAIN (issue 10)", () => {
  const env = { SECRET_KEY: KEY, PUBLIC_URL: "https://signin.example.org" };

  it("is the domain without its dot; unset means a host-only cookie", () => {
    expect(loadConfig(env).forwardAuth.cookieDomain).toBeUndefined();
    const config = loadConfig({ ...env, FORWARD_AUTH_COOKIE_DOMAIN: ".Example.org" });
    expect(config.forwardAuth.cookieDomain).toBe("example.org");
    expect(
      loadConfig({ ...env, FORWARD_AUTH_COOKIE_DOMAIN: "signin.example.org" }).forwardAuth
        .cookieDomain,
    ).toBe("signin.example.org");
  });

  it.each([
    ["a single label", ".org"],
    ["a URL", "https://example.org"],
    ["an IP address", "192.0.2.10"],
    ["a wildcard", "*.example.org"],
  ])("refuses %s, naming the variable", (_what, value) => {
    expect(() => loadConfig({ ...env, FORWARD_AUTH_COOKIE_DOMAIN: value })).toThrow(
      /FORWARD_AUTH_COOKIE_DOMAIN must be a domain name/,
    );
  });

  it("must contain PUBLIC_URL's host, which sets the cookie", () => {
    expect(() => loadConfig({ ...env, FORWARD_AUTH_COOKIE_DOMAIN: ".example.com" })).toThrow(
      /FORWARD_AUTH_COOKIE_DOMAIN must contain PUBLIC_URL's host "signin.example.org"/,
    );
    expect(() => loadConfig({ ...env, FORWARD_AUTH_COOKIE_DOMAIN: "gnin.example.org" })).toThrow(
      ConfigError,
    );
  });

  // Issue 12 (ux): languages and branding, each checked at start with a one-line error.
  it("DEFAULT_LOCALE is one of ours (en by default)", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).defaultLocale).toBe("en");
    expect(loadConfig({ SECRET_KEY: KEY, DEFAULT_LOCALE: "de" }).defaultLocale).toBe("de");
    for (const bad of ["es", "de-CH", "EN", "constructor"]) {
      expect(() => loadConfig({ SECRET_KEY: KEY, DEFAULT_LOCALE: bad })).toThrow(
        /^DEFAULT_LOCALE must be one of en, de, fr; got "/,
      );
    }
  });

  it("TIME_ZONE is an IANA zone Intl knows (UTC by default)", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).timeZone).toBe("UTC");
    expect(loadConfig({ SECRET_KEY: KEY, TIME_ZONE: "Europe/Berlin" }).timeZone).toBe(
      "Europe/Berlin",
    );
    for (const bad of ["Mars/Olympus", "CEST+99", "Europe/Berlin\nx"]) {
      expect(() => loadConfig({ SECRET_KEY: KEY, TIME_ZONE: bad })).toThrow(
        /^TIME_ZONE must be an IANA time zone/,
      );
    }
  });

  it("LOGO_URL is optional and https only", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).logoUrl).toBeUndefined();
    expect(
      loadConfig({ SECRET_KEY: KEY, LOGO_URL: "https://cdn.example.org/logo.svg" }).logoUrl,
    ).toBe("https://cdn.example.org/logo.svg");
    for (const bad of [
      "http://cdn.example.org/logo.svg",
      "javascript:alert(1)",
      "data:image/svg+xml,<svg/>",
      "//cdn.example.org/logo.svg",
      "https://user:pw@cdn.example.org/logo.svg",
      "not a url",
      // Its origin goes into the CSP header's img-src: a host that would end the
      // directive (";"), start another policy (",") or quote is no host for an image.
      "https://cdn.example.org;sandbox/logo.svg",
      "https://cdn.example.org,x/logo.svg",
      "https://cdn.example.org'x/logo.svg",
    ]) {
      expect(() => loadConfig({ SECRET_KEY: KEY, LOGO_URL: bad })).toThrow(
        /^LOGO_URL must be an https:\/\/ address/,
      );
    }
    expect(
      loadConfig({ SECRET_KEY: KEY, LOGO_URL: "https://[2001:db8::1]:8443/l.png" }).logoUrl,
    ).toBe("https://[2001:db8::1]:8443/l.png");
  });
});
