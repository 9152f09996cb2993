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
    expect(config.limits.passwordByAccount).toEqual({
      points: 3,
      windowSeconds: 60,
      blockSeconds: 120,
    });
  });
});
