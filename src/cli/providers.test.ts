// Production refuses an enabled email/SMS method without its provider: at start
// (serve) and when an operator enables it (vestibule methods set). Outside production
// the development outbox stands in, so both are allowed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { serve } from "../main.js";
import { migrate, openDatabase } from "../store/open.js";
import { run } from "./main.js";

let dir: string;
let dbUrl: string;
const savedEnv = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vestibule-providers-"));
  dbUrl = `sqlite:${join(dir, "vestibule.db")}`;
  for (const name of Object.keys(process.env)) {
    if (/^(SMTP_|MAIL_|SMS_|TWILIO_)/.test(name)) delete process.env[name];
  }
  process.env.DATABASE_URL = dbUrl;
  process.env.SECRET_KEY = "providers-test-secret-key-0123456789abcdefgh";
  process.env.NODE_ENV = "production";
  process.env.LOG_LEVEL = "silent";
  process.env.PORT = "0";
  process.env.HOST = "127.0.0.1";
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await run(args);
    return { code: Number(process.exitCode ?? 0), err };
  } finally {
    process.exitCode = undefined;
    o.mockRestore();
    e.mockRestore();
  }
}

async function storedMethods(): Promise<string | undefined> {
  const opened = openDatabase(dbUrl);
  try {
    await migrate(opened);
    return await opened.stores.settings.get("methods");
  } finally {
    await opened.close();
  }
}

describe("in production", () => {
  it("methods set refuses email without SMTP and sms without a provider, naming what to set", async () => {
    const email = await cli(["methods", "set", "app,email"]);
    expect(email.code).toBe(2);
    expect(email.err).toMatch(/SMTP_URL and MAIL_FROM/);
    const sms = await cli(["methods", "set", "sms"]);
    expect(sms.code).toBe(2);
    expect(sms.err).toMatch(/SMS_PROVIDER=twilio/);
    expect(await storedMethods()).toBeUndefined();

    process.env.SMTP_URL = "smtp://127.0.0.1:2525";
    process.env.MAIL_FROM = "Vestibule <no-reply@example.test>";
    expect((await cli(["methods", "set", "app,email"])).code).toBe(0);
    expect(await storedMethods()).toBe("app,email");
  });

  it("serve refuses to start with email enabled and no SMTP_URL", async () => {
    process.env.NODE_ENV = "test";
    expect((await cli(["methods", "set", "email"])).code).toBe(0); // allowed outside production
    process.env.NODE_ENV = "production";
    await expect(serve()).rejects.toThrow(
      /email is enabled but no mail server is set: set SMTP_URL/,
    );
  });
});
