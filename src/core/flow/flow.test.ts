// The flow as a state machine, in the core tier: real stores on SQLite in memory, a fixed
// clock, a seeded random source and a cheap argon2id (test/support/core.ts).
import { afterEach, describe, expect, it } from "vitest";
import { type CoreFixture, coreFixture } from "../../../test/support/core.js";
import { flowRow } from "../../../test/support/flows.js";
import { DEFAULT_PASSWORD } from "../../../test/support/harness.js";
import type { Continuation } from "../ports/flows.js";
import { hashToken } from "../secrets.js";
import { currentSession } from "../sessions.js";
import { generateTotp } from "../totp.js";
import { findFlow, loadFlow, type Next, startPasswordFlow, startStepUp } from "./flow.js";
import { changePassword } from "./new-password.js";
import { submitPassword } from "./password.js";
import { confirmSetup } from "./setup.js";
import { verify } from "./verify.js";

const IP = "192.0.2.1";
let f: CoreFixture;
afterEach(async () => {
  await f?.close();
});

function flowToken(next: Next | { ok: false }): string {
  if (!next.ok || next.kind !== "flow")
    throw new Error(`expected a flow, got ${JSON.stringify(next)}`);
  return next.token;
}

const password = (username: string, current?: Parameters<typeof submitPassword>[1]["current"]) =>
  submitPassword(f.core, { username, password: DEFAULT_PASSWORD, ip: IP, current });

describe("the steps after the password", () => {
  it("an enrolled user goes to verification; a new one to the app set-up", async () => {
    f = await coreFixture({ methods: ["app"] });
    const ann = await f.addUser("ann");
    await f.enrolApp(ann);
    await f.addUser("ben");
    expect(await password("ann")).toMatchObject({ ok: true, kind: "flow", state: "verify" });
    expect(await password("ben")).toMatchObject({ ok: true, kind: "flow", state: "setup_app" });
  });

  it("a forced change comes first, then the set-up; never straight to signed in", async () => {
    f = await coreFixture({ methods: ["app"] });
    await f.addUser("cat", { mustChange: true });
    const token = flowToken(await password("cat"));
    expect((await loadFlow(f.core, token))?.flow.state).toBe("change_password");
    const next = await changePassword(f.core, token, {
      newPassword: "amber kettle meadow drift",
      confirmPassword: "amber kettle meadow drift",
      ip: IP,
    });
    expect(next).toMatchObject({ ok: true, kind: "flow", state: "setup_app" });
    // The old token is worth nothing at the next step.
    expect(await loadFlow(f.core, token)).toBeUndefined();
  });

  it("with 2FA off the password signs in, and the session says how: pwd", async () => {
    f = await coreFixture({ methods: [] });
    await f.addUser("dan");
    const next = await password("dan");
    if (!next.ok || next.kind !== "session") throw new Error("expected a session");
    const signedIn = await currentSession(f.core, next.token);
    expect(signedIn?.session).toMatchObject({ amr: ["pwd"], authTime: f.clock.now() });
    expect(next.continuation).toEqual({ kind: "home" });
  });

  it("no step can be skipped: each step refuses a flow at another state", async () => {
    f = await coreFixture({ methods: ["app"] });
    await f.addUser("eve");
    const token = flowToken(await password("eve"));
    expect(await verify(f.core, token, "123456", IP)).toEqual({ ok: false, reason: "wrong_step" });
    const change = await changePassword(f.core, token, {
      newPassword: "amber kettle meadow drift",
      confirmPassword: "amber kettle meadow drift",
      ip: IP,
    });
    expect(change).toEqual({ ok: false, reason: "wrong_step" });
  });

  it("a flow lives ten minutes", async () => {
    f = await coreFixture({ methods: ["app"] });
    const fay = await f.addUser("fay");
    const secret = await f.enrolApp(fay);
    const token = flowToken(await password("fay"));
    f.clock.advance(600_000);
    expect(await verify(f.core, token, f.totp(secret), IP)).toEqual({
      ok: false,
      reason: "expired",
    });
  });
});

describe("the continuation rides on the flow's row", () => {
  const app: Continuation = { kind: "oidc", uid: "interaction-1" };

  it("a flow that waits for its password is bound to the user and ends at its continuation", async () => {
    f = await coreFixture({ methods: ["app"] });
    const gus = await f.addUser("gus");
    const secret = await f.enrolApp(gus);
    const waiting = await startPasswordFlow(f.core, app);
    const current = await findFlow(f.core, waiting);
    expect(current).toMatchObject({ state: "password", userId: null, continuation: app });
    const token = flowToken(await password("gus", current));
    expect(await loadFlow(f.core, token)).toMatchObject({
      flow: { userId: gus.id, continuation: app },
    });
    const done = await verify(f.core, token, f.totp(secret), IP);
    expect(done).toMatchObject({ ok: true, kind: "session", continuation: app });
  });

  it("signing in again half-way replaces the flow and keeps where it was going", async () => {
    f = await coreFixture({ methods: ["app"] });
    const hal = await f.addUser("hal");
    const secret = await f.enrolApp(hal);
    const first = flowToken(
      await password("hal", await findFlow(f.core, await startPasswordFlow(f.core, app))),
    );
    const again = flowToken(await password("hal", await findFlow(f.core, first)));
    expect(await findFlow(f.core, first)).toBeUndefined();
    expect(await verify(f.core, again, f.totp(secret), IP)).toMatchObject({
      kind: "session",
      continuation: app,
    });
  });

  it("after the app is set up the flow ends (sign in again) and says where it was going", async () => {
    f = await coreFixture({ methods: ["app"] });
    await f.addUser("ida");
    const token = flowToken(
      await password("ida", await findFlow(f.core, await startPasswordFlow(f.core, app))),
    );
    const loaded = await loadFlow(f.core, token);
    const key = await f.core.factors.app.start(loaded!, IP);
    if (!key.ok || key.kind !== "key") throw new Error("expected a key");
    const done = await confirmSetup(f.core, token, generateTotp(key.secret, f.clock.now()), IP);
    // Issue 11: with the first recovery codes, shown once.
    expect(done).toEqual({
      ok: true,
      kind: "ended",
      continuation: app,
      recoveryCodes: expect.any(Array),
    });
    if (!done.ok || done.kind !== "ended") throw new Error("expected ended");
    expect(done.recoveryCodes).toHaveLength(10);
    for (const code of done.recoveryCodes ?? []) {
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    }
  });
});

describe("step-up: a second factor again, inside a session", () => {
  it("re-proves the session it belongs to and returns to its continuation", async () => {
    f = await coreFixture({ methods: ["app"] });
    const jo = await f.addUser("jo");
    const secret = await f.enrolApp(jo);
    const signedIn = await verify(f.core, flowToken(await password("jo")), f.totp(secret), IP);
    if (!signedIn.ok || signedIn.kind !== "session") throw new Error("expected a session");
    const sessionIdHash = hashToken(signedIn.token);
    f.clock.advance(15 * 60_000);
    const back: Continuation = { kind: "path", path: "/account" };
    const stepUp = await startStepUp(f.core, { sessionIdHash, userId: jo.id }, back);
    expect((await findFlow(f.core, stepUp))?.purpose).toBe("step-up");
    // A wrong code counts like any other.
    const wrong = f.totp(secret) === "000000" ? "000001" : "000000";
    expect(await verify(f.core, stepUp, wrong, IP)).toEqual({
      ok: false,
      reason: "invalid_code",
      triesLeft: 4,
    });
    expect(await verify(f.core, stepUp, f.totp(secret), IP)).toEqual({
      ok: true,
      kind: "done",
      continuation: back,
    });
    const session = await f.core.stores.sessions.find(sessionIdHash, f.clock.now());
    expect(session).toMatchObject({ authTime: f.clock.now(), amr: ["pwd", "otp"] });
    expect(session?.createdAt).toBeLessThan(f.clock.now());
  });

  it("a step-up whose session ended cannot prove anything", async () => {
    f = await coreFixture({ methods: ["app"] });
    const kim = await f.addUser("kim");
    const secret = await f.enrolApp(kim);
    const stepUp = await startStepUp(
      f.core,
      { sessionIdHash: hashToken("no-such-session"), userId: kim.id },
      { kind: "home" },
    );
    expect(await verify(f.core, stepUp, f.totp(secret), IP)).toEqual({
      ok: false,
      reason: "expired",
    });
  });
});

describe("every purpose ends its own way", () => {
  it("an enrolment flow at verification never mints a session", async () => {
    f = await coreFixture({ methods: ["app"] });
    const lee = await f.addUser("lee");
    const secret = await f.enrolApp(lee);
    const row = flowRow(
      lee.id,
      {
        purpose: "enrol",
        continuation: { kind: "path", path: "/account" },
        sessionIdHash: hashToken("some-session"),
      },
      f.clock.now(),
    );
    const token = "enrol-token";
    await f.core.stores.flows.create({ ...row, idHash: hashToken(token) });
    expect(await verify(f.core, token, f.totp(secret), IP)).toEqual({
      ok: false,
      reason: "wrong_step",
    });
  });
});

describe("isLocalPath", () => {
  it("takes our own paths and refuses what a browser reads as another host", async () => {
    const { isLocalPath } = await import("./flow.js");
    for (const ok of ["/", "/account", "/account?notice=x", "/a/b"])
      expect(isLocalPath(ok)).toBe(true);
    for (const bad of [
      "//evil.com",
      "/\\evil.com",
      "/\\/evil.com",
      "https://evil.com",
      "evil.com",
      "",
      "/a\\b",
      "/a\nb",
      "/a\u0000",
      "javascript:alert(1)",
    ]) {
      expect(isLocalPath(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
