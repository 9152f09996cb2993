import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CoreFixture, coreFixture } from "../../test/support/core.js";
import { removeAccessRule, setAccessRule } from "./access-rules.js";
import {
  forwardSession,
  issueForwardToken,
  judgeForward,
  normalizeHost,
  remoteIdentity,
} from "./forward-auth.js";
import type { Amr } from "./ports/sessions.js";
import type { User } from "./ports/users.js";
import { hashToken } from "./secrets.js";
import { signOut, startSession } from "./sessions.js";

let f: CoreFixture;
beforeAll(async () => {
  f = await coreFixture();
});
afterAll(async () => {
  await f.close();
});

let n = 0;
async function signedIn(role: User["role"], amr: Amr[] = ["pwd", "otp"]) {
  const user = await f.addUser(`fw${++n}`, { role });
  const started = await startSession(
    f.core,
    user,
    { ip: "127.0.0.1" },
    {
      amr,
      continuation: { kind: "home" },
    },
  );
  const session = await f.system.stores.sessions.find(hashToken(started.token), f.clock.now());
  return { user, session: session!, token: started.token };
}

describe("who may pass", () => {
  it("any signed-in user with a second factor, when the host has no rule", async () => {
    const a = await signedIn("user");
    expect(await judgeForward(f.core, a, "wiki.example.org")).toMatchObject({ kind: "allowed" });
  });

  it("a session without a second factor, or none, is sent to sign in", async () => {
    const pwd = await signedIn("administrator", ["pwd"]);
    expect(await judgeForward(f.core, pwd, "wiki.example.org")).toEqual({ kind: "sign_in" });
    expect(await judgeForward(f.core, undefined, "wiki.example.org")).toEqual({ kind: "sign_in" });
  });

  it("a rule lets only the roles it lists pass; the others are forbidden, not sent to sign in", async () => {
    const deps = { stores: f.system.stores, clock: f.clock, audit: f.system.audit };
    const set = await setAccessRule(
      deps,
      "cli",
      { host: "Payroll.Example.org", roles: "administrator, supervisor" },
      null,
    );
    expect(set).toMatchObject({
      ok: true,
      rule: { host: "payroll.example.org", roles: ["supervisor", "administrator"] },
    });
    const user = await signedIn("user");
    const supervisor = await signedIn("supervisor");
    expect(await judgeForward(f.core, user, "payroll.example.org")).toMatchObject({
      kind: "forbidden",
    });
    expect(await judgeForward(f.core, supervisor, "payroll.example.org")).toMatchObject({
      kind: "allowed",
    });
    // Per host: the rule says nothing about another host.
    expect(await judgeForward(f.core, user, "wiki.example.org")).toMatchObject({ kind: "allowed" });
    expect(await removeAccessRule(deps, "cli", "payroll.example.org", null)).toEqual({ ok: true });
    expect(await judgeForward(f.core, user, "payroll.example.org")).toMatchObject({
      kind: "allowed",
    });
    const events = await f.system.stores.audit.list({ type: "access_rule_changed", limit: 10 });
    expect(events.map((e) => e.detail)).toEqual([
      {
        host: "payroll.example.org",
        roles: { from: ["supervisor", "administrator"], to: null },
        via: "cli",
      },
      {
        host: "payroll.example.org",
        roles: { from: null, to: ["supervisor", "administrator"] },
        via: "cli",
      },
    ]);
  });

  it("refuses rules it cannot key or fill, and a user who is not an administrator", async () => {
    const deps = { stores: f.system.stores, clock: f.clock, audit: f.system.audit };
    for (const host of [
      "https://wiki.example.org",
      "wiki.example.org:8443",
      "*.example.org",
      "",
      "a b",
    ]) {
      expect(await setAccessRule(deps, "cli", { host, roles: "user" }, null)).toEqual({
        ok: false,
        reason: "invalid_host",
      });
    }
    for (const roles of ["", "root", "user,root", " , "]) {
      expect(await setAccessRule(deps, "cli", { host: "wiki.example.org", roles }, null)).toEqual({
        ok: false,
        reason: "invalid_roles",
      });
    }
    const { user } = await signedIn("supervisor");
    expect(
      await setAccessRule(deps, user, { host: "wiki.example.org", roles: "user" }, null),
    ).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect(await f.system.stores.access.list()).toEqual([]);
  });
});

describe("the forward-auth token", () => {
  it("names the session; a new one replaces the old; sign-out ends it", async () => {
    const a = await signedIn("user");
    const first = await issueForwardToken(f.core, a.session);
    const second = await issueForwardToken(f.core, a.session);
    expect(first).toBeTruthy();
    expect(await forwardSession(f.core, first)).toBeUndefined();
    expect((await forwardSession(f.core, second))?.user.id).toBe(a.user.id);
    await signOut(f.core, { session: a.token }, a.user, "127.0.0.1");
    expect(await forwardSession(f.core, second)).toBeUndefined();
  });

  it("is not the session's token: it does not open Vestibule's own pages, nor the other way", async () => {
    const a = await signedIn("user");
    const token = (await issueForwardToken(f.core, a.session))!;
    expect(token).not.toBe(a.token);
    expect(await f.system.stores.sessions.find(hashToken(token), f.clock.now())).toBeUndefined();
    expect(await forwardSession(f.core, a.token)).toBeUndefined();
  });

  it("dies with its session at expiry and with a deactivated user", async () => {
    const a = await signedIn("user");
    const token = (await issueForwardToken(f.core, a.session))!;
    await f.system.stores.users.update(a.user.id, { active: false });
    expect(await forwardSession(f.core, token)).toBeUndefined();
    const b = await signedIn("user");
    const other = (await issueForwardToken(f.core, b.session))!;
    f.clock.advance(f.core.rules.sessionTtlMs + 1);
    expect(await forwardSession(f.core, other)).toBeUndefined();
  });
});

describe("what the application learns", () => {
  it("all four values, empty when unknown, the username when there is no display name", () => {
    const base = { id: "x", username: "zoe", role: "supervisor" } as User;
    expect(remoteIdentity({ ...base, displayName: null, email: null })).toEqual({
      user: "zoe",
      name: "zoe",
      email: "",
      groups: "supervisor",
    });
    expect(
      remoteIdentity({ ...base, displayName: "Zoë Łukasz", email: "z@example.org" }),
    ).toMatchObject({
      name: "Zoë Łukasz",
      email: "z@example.org",
    });
  });

  it("hosts are keyed in one spelling", () => {
    expect(normalizeHost(" Wiki.Example.ORG ")).toBe("wiki.example.org");
    expect(normalizeHost("wiki.example.org.")).toBeUndefined();
    expect(normalizeHost("-wiki.example.org")).toBeUndefined();
  });
});
