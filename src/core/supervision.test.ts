import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLimits } from "../limits/rate-limits.js";
import { migrate, type OpenedDatabase, openDatabase } from "../store/open.js";
import { createAudit } from "./audit.js";
import type { Role } from "./ports/runtime.js";
import type { User } from "./ports/users.js";
import { forceNewPassword, mayActOn, type SupervisionDeps } from "./supervision.js";

const NOW = Date.UTC(2030, 0, 1);

function person(role: Role, over: Partial<User> = {}): User {
  return {
    id: randomUUID(),
    username: role,
    displayName: null,
    email: null,
    phone: null,
    role,
    passwordHash: "x",
    mustChangePassword: false,
    active: true,
    createdAt: NOW,
    lastSignInAt: null,
    ...over,
  };
}

describe("mayActOn", () => {
  const user = person("user");
  const sup = person("supervisor");
  const admin = person("administrator");
  it.each([
    [user, person("user"), false],
    [sup, user, true],
    [sup, person("supervisor"), false],
    [sup, admin, false],
    [admin, user, true],
    [admin, sup, true],
    [admin, person("administrator"), false],
    [sup, sup, false],
    [admin, admin, false],
    [person("supervisor", { active: false }), user, false],
  ] as const)("%s.role on %s.role → %s", (actor, target, allowed) => {
    expect(mayActOn(actor, target)).toBe(allowed);
  });
  it("the CLI operator may act on anyone", () => {
    expect(mayActOn("cli", admin)).toBe(true);
  });
});

describe("forceNewPassword notices", () => {
  let opened: OpenedDatabase;
  let deps: SupervisionDeps;
  let bob: User;
  const sent: string[] = [];

  beforeEach(async () => {
    opened = openDatabase("sqlite::memory:");
    await migrate(opened);
    const clock = { now: () => NOW };
    deps = {
      stores: opened.stores,
      clock,
      audit: createAudit(opened.stores.audit, clock),
      limits: createLimits(
        {
          passwordByAccount: { points: 5, windowSeconds: 60, blockSeconds: 60 },
          passwordByIp: { points: 5, windowSeconds: 60, blockSeconds: 60 },
          secondFactor: { points: 2, windowSeconds: 60, blockSeconds: 60 },
        },
        { kind: "memory" },
      ),
    };
    bob = (await opened.stores.users.create(
      {
        username: "bob",
        email: "bob@example.org",
        role: "user",
        passwordHash: "x",
        mustChangePassword: false,
      },
      randomUUID(),
      NOW,
    ))!;
    sent.length = 0;
  });
  afterEach(async () => {
    await opened.close();
  });

  it("tells the user when a notifier is wired", async () => {
    const result = await forceNewPassword(
      { ...deps, notifyForcedPassword: async (u) => void sent.push(u.email ?? "") },
      "cli",
      bob.id,
      null,
    );
    expect(result).toMatchObject({ ok: true, notified: true });
    expect(sent).toEqual(["bob@example.org"]);
  });

  it("a failing mail server neither undoes nor hides the reset", async () => {
    const result = await forceNewPassword(
      {
        ...deps,
        notifyForcedPassword: async () => {
          throw new Error("smtp down");
        },
      },
      "cli",
      bob.id,
      null,
    );
    expect(result).toMatchObject({ ok: true, notified: false });
    expect((await deps.stores.users.findById(bob.id))?.mustChangePassword).toBe(true);
    const types = (await opened.stores.audit.list({ userId: bob.id, limit: 5 })).map((e) => e.type);
    expect(types).toEqual(["notice_send_failed", "force_new_password"]);
  });

  it("refuses an unknown user and a forbidden actor, writing nothing", async () => {
    expect(await forceNewPassword(deps, "cli", "nope", null)).toEqual({
      ok: false,
      reason: "not_found",
    });
    const sup = person("supervisor");
    const admin = (await deps.stores.users.create(
      { username: "root", role: "administrator", passwordHash: "x", mustChangePassword: false },
      randomUUID(),
      NOW,
    ))!;
    expect(await forceNewPassword(deps, sup, admin.id, null)).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect((await deps.stores.users.findById(admin.id))?.mustChangePassword).toBe(false);
    expect(await opened.stores.audit.list({ limit: 5 })).toEqual([]);
  });
});
