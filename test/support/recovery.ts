// Issue 11's test helpers: a user with recovery codes, a browser at the verification screen.
import { expect } from "vitest";
import { issueRecoveryCodes } from "../../src/core/recovery-codes.js";
import { type Browser, DEFAULT_PASSWORD, location, type Vestibule } from "./harness.js";

/** A browser at the verification screen after the password. */
export async function atVerify(t: Vestibule, username: string, ip?: string): Promise<Browser> {
  const b = t.browser(ip);
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe("/login/verify");
  await b.get("/login/verify");
  return b;
}

/** A user with an app and a fresh set of codes (as the account page makes them). */
export async function userWithCodes(t: Vestibule, username: string, email?: string) {
  const user = await t.addUser(username, email ? { email } : {});
  const secret = await t.enrolApp(user);
  const codes = await issueRecoveryCodes(t.system.core, user, { ip: null, via: "account" });
  return { user, secret, codes };
}
