// Issue 14 (sessions): NIST SP 800-63B AAL2 asks to re-authenticate after 30 minutes idle
// and at least every 12 hours. The idle timeout slides with use and is enforced on the
// server; the last use is written at most once a minute. Fixed clock, no sleeping.
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashToken } from "../../src/core/secrets.js";
import { location, startVestibule, type Vestibule } from "../support/harness.js";

const MINUTE = 60_000;

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function sessionRow(v: Vestibule, token: string | undefined) {
  if (!token) return undefined;
  return v.system.database.db
    .selectFrom("sessions")
    .selectAll()
    .where("id_hash", "=", hashToken(token))
    .executeTakeFirst();
}

describe("idle timeout (SESSION_IDLE_SECONDS, default 30 minutes)", () => {
  it("slides with use, and a session left alone for 30 minutes ends on the server", async () => {
    t = await startVestibule({ methods: [] });
    await t.addUser("ida");
    const b = await t.signIn("ida");
    const token = b.jar.get("vst_session");

    for (let i = 0; i < 4; i++) {
      t.clock.advance(29 * MINUTE);
      expect((await b.get("/")).statusCode, `after ${(i + 1) * 29} minutes of use`).toBe(200);
    }

    t.clock.advance(30 * MINUTE);
    const idle = await b.get("/");
    expect(idle.statusCode).toBe(303);
    expect(location(idle)).toBe("/login");
    // Gone on the server: the same cookie presented later opens nothing.
    expect(await sessionRow(t, token)).toBeUndefined();
    b.jar.set("vst_session", token ?? "");
    t.clock.advance(-29 * MINUTE);
    expect(location(await b.get("/"))).toBe("/login");
  });

  it("33 minutes alone end it (the audit's case); 29 do not", async () => {
    t = await startVestibule({ methods: [] });
    await t.addUser("ida");
    const fresh = await t.signIn("ida");
    t.clock.advance(29 * MINUTE);
    expect((await fresh.get("/")).statusCode).toBe(200);
    t.clock.advance(33 * MINUTE);
    expect(location(await fresh.get("/"))).toBe("/login");
  });

  it("SESSION_IDLE_SECONDS sets it", async () => {
    t = await startVestibule({ methods: [], env: { SESSION_IDLE_SECONDS: "300" } });
    await t.addUser("ida");
    const b = await t.signIn("ida");
    t.clock.advance(4 * MINUTE);
    expect((await b.get("/")).statusCode).toBe(200);
    t.clock.advance(5 * MINUTE);
    expect(location(await b.get("/"))).toBe("/login");
  });

  it("writes the session row at most once a minute, not on every request", async () => {
    t = await startVestibule({ methods: [] });
    await t.addUser("ida");
    const b = await t.signIn("ida");
    const touch = vi.spyOn(t.system.stores.sessions, "touch");
    for (let i = 0; i < 5; i++) {
      t.clock.advance(10_000);
      expect((await b.get("/")).statusCode).toBe(200);
    }
    // 50 s after the sign-in: nothing written.
    expect(touch).not.toHaveBeenCalled();
    t.clock.advance(20_000);
    await b.get("/");
    await b.get("/");
    expect(touch).toHaveBeenCalledTimes(1);
    expect((await sessionRow(t, b.jar.get("vst_session")))?.last_seen_at).toBe(t.clock.now());
    touch.mockRestore();
  });

  it("a supervisor's page lists only sessions that are not idle", async () => {
    t = await startVestibule({ methods: [] });
    const sup = await t.addUser("sup", { role: "supervisor" });
    const ida = await t.addUser("ida");
    await t.signIn("ida");
    t.clock.advance(31 * MINUTE);
    const staff = await t.signIn("sup");
    const page = await staff.get(`/users/${ida.id}`);
    expect(page.body).toContain("No active sessions.");
    expect(sup.id).toBeDefined();
  });
});

describe("absolute lifetime (SESSION_TTL_SECONDS, default 12 hours)", () => {
  it("a session in use every 20 minutes lasts 12 hours, not more", async () => {
    t = await startVestibule({ methods: [] });
    await t.addUser("ida");
    const b = await t.signIn("ida");
    for (let used = 20; used < 12 * 60; used += 20) {
      t.clock.advance(20 * MINUTE);
      expect((await b.get("/")).statusCode, `after ${used} minutes`).toBe(200);
    }
    t.clock.advance(20 * MINUTE); // 12 h since the sign-in
    expect(location(await b.get("/"))).toBe("/login");
  });
});
