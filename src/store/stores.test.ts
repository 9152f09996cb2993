import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flowRow } from "../../test/support/flows.js";
import type { Flow } from "../core/ports/flows.js";
import type { Stores } from "../core/ports/stores.js";
import type { User } from "../core/ports/users.js";
import { migrate, type OpenedDatabase, openDatabase } from "./open.js";

const NOW = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

let opened: OpenedDatabase;
let store: Stores;

beforeEach(async () => {
  opened = openDatabase("sqlite::memory:");
  await migrate(opened);
  store = opened.stores;
});
afterEach(async () => {
  await opened.close();
});

async function user(username = `u${randomUUID().slice(0, 8)}`): Promise<User> {
  const created = await store.users.create(
    { username, role: "user", passwordHash: "$argon2id$x", mustChangePassword: false },
    randomUUID(),
    NOW,
  );
  if (!created) throw new Error("user not created");
  return created;
}

function flow(userId: string, idHash: string = randomUUID(), over: Partial<Flow> = {}): Flow {
  return flowRow(userId, { idHash, ...over }, NOW);
}

describe("users", () => {
  it("createUser refuses a taken username without touching the first", async () => {
    const first = await user("alice");
    expect(
      await store.users.create(
        {
          username: "alice",
          role: "administrator",
          passwordHash: "other",
          mustChangePassword: true,
        },
        randomUUID(),
        NOW,
      ),
    ).toBeUndefined();
    expect(await store.users.findByUsername("alice")).toEqual(first);
  });

  it("round-trips booleans and times as their types", async () => {
    const u = await user("bob");
    expect(u).toMatchObject({ mustChangePassword: false, active: true, createdAt: NOW });
    await store.users.update(u.id, { active: false });
    expect((await store.users.findById(u.id))?.active).toBe(false);
  });
});

/** A pending sign-in at the set-up step holding `box`; confirms it with `step`. */
async function enrol(u: User, step: number, box = "box"): Promise<boolean> {
  const c = flow(u.id, randomUUID(), { state: "setup_app" });
  await store.flows.create(c);
  await store.flows.setSetupKey(c.idHash, box);
  return store.authenticators.confirm({ flowIdHash: c.idHash, secretBox: box, step, now: NOW });
}

describe("authenticator: single-use statements", () => {
  it("setSetupKey keeps the first box of a sign-in; each sign-in has its own", async () => {
    const u = await user();
    const c1 = flow(u.id, "c1", { state: "setup_app" });
    const c2 = flow(u.id, "c2", { state: "setup_app" });
    await store.flows.create(c1);
    await store.flows.create(c2);
    expect(await store.flows.setSetupKey("c1", "box-1")).toBe("box-1");
    expect(await store.flows.setSetupKey("c1", "box-2")).toBe("box-1");
    expect(await store.flows.getSetupKey("c1")).toBe("box-1");
    expect(await store.flows.setSetupKey("c2", "box-3")).toBe("box-3");
    // The key is not the user's until confirmed.
    expect(await store.authenticators.get(u.id)).toBeUndefined();
  });

  it("authenticators.confirm succeeds once, from the flow's key, and records the step", async () => {
    const u = await user();
    const c = flow(u.id, "c", { state: "setup_app" });
    await store.flows.create(c);
    const confirm = (secretBox: string, step: number) =>
      store.authenticators.confirm({ flowIdHash: "c", secretBox, step, now: NOW });
    expect(await confirm("box", 100)).toBe(false); // no key shown yet
    await store.flows.setSetupKey("c", "box");
    expect(await confirm("forged", 100)).toBe(false); // not the key this sign-in holds
    expect(await confirm("box", 100)).toBe(true);
    expect(await confirm("box", 101)).toBe(false);
    expect(await store.authenticators.get(u.id)).toMatchObject({
      secretBox: "box",
      confirmedAt: NOW,
      lastStep: 100,
    });
  });

  it("of 20 concurrent confirmations exactly one wins", async () => {
    const u = await user();
    await store.flows.create(flow(u.id, "c", { state: "setup_app" }));
    await store.flows.setSetupKey("c", "box");
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.authenticators.confirm({ flowIdHash: "c", secretBox: "box", step: 100, now: NOW }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("a per-user pending row left by an older version is replaced on confirmation", async () => {
    const u = await user();
    await opened.db
      .insertInto("authenticators")
      .values({
        user_id: u.id,
        secret_box: "old",
        confirmed_at: null,
        last_step: null,
        created_at: 1,
      })
      .execute();
    expect(await enrol(u, 7, "new")).toBe(true);
    expect(await store.authenticators.get(u.id)).toMatchObject({ secretBox: "new", lastStep: 7 });
  });

  it("useTotpStep refuses a user with only a set-up key", async () => {
    const u = await user();
    await store.flows.create(flow(u.id, "c", { state: "setup_app" }));
    await store.flows.setSetupKey("c", "box");
    expect(await store.authenticators.useStep(u.id, 5)).toBe(false);
    expect(await store.authenticators.useStep(randomUUID(), 5)).toBe(false);
  });

  it("useTotpStep accepts only strictly newer steps (the confirming step included)", async () => {
    const u = await user();
    await enrol(u, 100);
    expect(await store.authenticators.useStep(u.id, 100)).toBe(false); // same as the confirming code
    expect(await store.authenticators.useStep(u.id, 99)).toBe(false); // older
    expect(await store.authenticators.useStep(u.id, 101)).toBe(true);
    expect(await store.authenticators.useStep(u.id, 101)).toBe(false); // same again
    expect(await store.authenticators.useStep(u.id, 100)).toBe(false); // older than the last used
    expect(await store.authenticators.useStep(u.id, 102)).toBe(true);
    expect((await store.authenticators.get(u.id))?.lastStep).toBe(102);
  });

  it("of 20 concurrent uses of one step exactly one wins", async () => {
    const u = await user();
    await enrol(u, 1);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.authenticators.useStep(u.id, 2)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("steps are per user", async () => {
    const a = await user();
    const b = await user();
    for (const u of [a, b]) {
      await enrol(u, 1);
    }
    expect(await store.authenticators.useStep(a.id, 2)).toBe(true);
    expect(await store.authenticators.useStep(b.id, 2)).toBe(true);
  });
});

describe("flows", () => {
  it("find ignores an expired one", async () => {
    const u = await user();
    await store.flows.create(flow(u.id, "c1"));
    expect(await store.flows.find("c1", NOW)).toMatchObject({ userId: u.id, state: "verify" });
    expect(await store.flows.find("c1", NOW + 600_000)).toBeUndefined();
    expect(await store.flows.find("nope", NOW)).toBeUndefined();
  });

  it("take succeeds once, and only in the named state", async () => {
    const u = await user();
    await store.flows.create(flow(u.id, "c1"));
    expect(await store.flows.take("c1", "setup_app")).toBeUndefined();
    expect(await store.flows.take("c1", "verify")).toMatchObject({ idHash: "c1" });
    expect(await store.flows.take("c1", "verify")).toBeUndefined();
    expect(await store.flows.find("c1", NOW)).toBeUndefined();
  });

  it("of 20 concurrent takes exactly one wins", async () => {
    const u = await user();
    await store.flows.create(flow(u.id, "c1"));
    const taken = await Promise.all(
      Array.from({ length: 20 }, () => store.flows.take("c1", "verify")),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it("advance is a compare-and-swap on id and state, and renames the row", async () => {
    const u = await user();
    await store.flows.create(flow(u.id, "c1", { state: "change_password" }));
    expect(await store.flows.advance("c1", "setup_app", "verify", "c2")).toBe(false);
    expect(await store.flows.advance("c1", "change_password", "setup_app", "c2")).toBe(true);
    expect(await store.flows.find("c1", NOW)).toBeUndefined();
    expect(await store.flows.find("c2", NOW)).toMatchObject({ state: "setup_app" });
    // The old id is spent: a replay cannot move it again.
    expect(await store.flows.advance("c1", "change_password", "setup_app", "c3")).toBe(false);
    const racers = await Promise.all(
      ["x", "y", "z"].map((id) => store.flows.advance("c2", "setup_app", "verify", id)),
    );
    expect(racers.filter(Boolean)).toHaveLength(1);
  });
});

describe("sessions", () => {
  it("findSession ignores an expired one; deleteSession ends it", async () => {
    const u = await user();
    await store.sessions.create({
      idHash: "s1",
      userId: u.id,
      createdAt: NOW,
      expiresAt: NOW + HOUR,
      authTime: NOW,
      amr: ["pwd"],
    });
    expect(await store.sessions.find("s1", NOW)).toMatchObject({ userId: u.id });
    expect(await store.sessions.find("s1", NOW + HOUR)).toBeUndefined();
    await store.sessions.delete("s1");
    expect(await store.sessions.find("s1", NOW)).toBeUndefined();
  });

  it("deleteExpired removes only expired sessions and flows", async () => {
    const u = await user();
    await store.sessions.create({
      idHash: "old",
      userId: u.id,
      createdAt: NOW,
      expiresAt: NOW + 1,
      authTime: NOW,
      amr: ["pwd"],
    });
    await store.sessions.create({
      idHash: "new",
      userId: u.id,
      createdAt: NOW,
      expiresAt: NOW + HOUR,
      authTime: NOW,
      amr: ["pwd"],
    });
    await store.flows.create(flow(u.id, "cold", { expiresAt: NOW + 1 }));
    await store.flows.create(flow(u.id, "cnew", { expiresAt: NOW + HOUR }));
    expect(
      (await store.sessions.deleteExpired(NOW + 10)) + (await store.flows.deleteExpired(NOW + 10)),
    ).toBe(2);
    expect(await store.sessions.find("new", NOW)).toBeDefined();
    expect(await store.flows.find("cnew", NOW)).toBeDefined();
  });
});

describe("forceNewPassword", () => {
  it("clears the authenticator, sets must-change, ends sessions and sign-ins — of that user only", async () => {
    const victim = await user();
    const bystander = await user();
    for (const u of [victim, bystander]) {
      await enrol(u, 1);
      await store.sessions.create({
        idHash: `s-${u.id}`,
        userId: u.id,
        createdAt: NOW,
        expiresAt: NOW + HOUR,
        authTime: NOW,
        amr: ["pwd"],
      });
      await store.flows.create(flow(u.id, `c-${u.id}`));
    }
    await store.users.forceNewPassword(victim.id, { at: NOW, byId: null });

    expect(await store.authenticators.get(victim.id)).toBeUndefined();
    expect((await store.users.findById(victim.id))?.mustChangePassword).toBe(true);
    expect(await store.sessions.find(`s-${victim.id}`, NOW)).toBeUndefined();
    expect(await store.flows.find(`c-${victim.id}`, NOW)).toBeUndefined();

    expect(await store.authenticators.get(bystander.id)).toBeDefined();
    expect((await store.users.findById(bystander.id))?.mustChangePassword).toBe(false);
    expect(await store.sessions.find(`s-${bystander.id}`, NOW)).toBeDefined();
    expect(await store.flows.find(`c-${bystander.id}`, NOW)).toBeDefined();
  });
});

describe("settings and audit", () => {
  it("setSetting upserts", async () => {
    expect(await store.settings.get("methods")).toBeUndefined();
    await store.settings.set("methods", "app");
    await store.settings.set("methods", "app,sms");
    expect(await store.settings.get("methods")).toBe("app,sms");
  });

  it("appends audit events and lists newest first, filtered", async () => {
    const u = await user();
    await store.audit.append({ type: "signin_failed", at: NOW, username: "x", ip: "1.2.3.4" });
    await store.audit.append({
      type: "signin_ok",
      at: NOW + 1,
      userId: u.id,
      detail: { method: "app" },
    });
    const all = await store.audit.list({ limit: 10 });
    expect(all.map((e) => e.type)).toEqual(["signin_ok", "signin_failed"]);
    expect(all[0]).toMatchObject({ userId: u.id, detail: { method: "app" }, at: NOW + 1 });
    expect(await store.audit.list({ limit: 10, type: "signin_failed" })).toHaveLength(1);
    expect(await store.audit.list({ limit: 10, userId: u.id })).toHaveLength(1);
  });
});

describe("health", () => {
  it("ping answers while open and throws once closed", async () => {
    await expect(opened.ping()).resolves.toBeUndefined();
    const other = openDatabase("sqlite::memory:");
    await other.ping();
    await other.close();
    await expect(other.ping()).rejects.toThrow();
  });
});
