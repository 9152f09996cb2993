import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeConfirmedAuthenticator } from "../../test/support/authenticator.js";
import { createNoticeSender } from "../delivery/notices.js";
import { withNotifications } from "../delivery/wire.js";
import { createLimits } from "../limits/rate-limits.js";
import { migrate, type OpenedDatabase, openDatabase } from "../store/open.js";
import { createAudit } from "./audit.js";
import { DeliveryError } from "./ports/delivery.js";
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
    locale: null,
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

describe("forceNewPassword: one transaction with its audit event and notice (issue 14)", () => {
  let opened: OpenedDatabase;
  let deps: SupervisionDeps;
  let bob: User;
  const clock = { now: () => NOW };
  const sent: { to: string; subject: string }[] = [];
  let mailServerDown = false;
  const mailer = {
    async send(m: { to: string; subject: string }) {
      if (mailServerDown) throw new DeliveryError("smtp: connection refused", { definite: true });
      sent.push({ to: m.to, subject: m.subject });
    },
  };

  beforeEach(async () => {
    opened = openDatabase("sqlite::memory:");
    await migrate(opened);
    const plain = createAudit(opened.stores.audit, clock);
    deps = {
      stores: opened.stores,
      clock,
      audit: withNotifications(plain, {
        stores: opened.stores,
        channels: { email: true, sms: false },
        appName: "Vestibule",
        clock,
      }),
      limits: createLimits(
        {
          password: {
            accountAddress: { points: 5, windowSeconds: 60, blockSeconds: 60 },
            account: { points: 5, windowSeconds: 60, blockSeconds: 60 },
            address: { points: 5, windowSeconds: 60, blockSeconds: 60 },
            device: { points: 5, windowSeconds: 60, blockSeconds: 60 },
          },
          secondFactor: {
            failuresPerBlock: 2,
            firstBlockSeconds: 60,
            maxBlockSeconds: 600,
            cap: 10,
            rememberSeconds: 3600,
          },
        },
        { kind: "memory" },
      ),
      emailReachesUsers: true,
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
    await storeConfirmedAuthenticator(opened.stores, bob.id, "box", 0, NOW - 1000);
    sent.length = 0;
    mailServerDown = false;
  });
  afterEach(async () => {
    await opened.close();
  });

  const sender = () =>
    createNoticeSender({
      outbox: opened.stores.outbox,
      mailer,
      sms: undefined,
      clock,
      audit: createAudit(opened.stores.audit, clock),
    });

  it("queues the user's notice with the change; the sender delivers it after commit", async () => {
    const result = await forceNewPassword(deps, "cli", bob.id, null);
    expect(result).toMatchObject({ ok: true, notified: true });
    const queued = await opened.stores.outbox.pending();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: "force_new_password", to: "bob@example.org" });
    expect(await sender().drain()).toBe(1);
    expect(sent).toEqual([{ to: "bob@example.org", subject: "Vestibule: your sign-in was reset" }]);
    expect(await opened.stores.outbox.pending()).toEqual([]);
    // The removed authenticator keeps its record: when added, when removed, by whom.
    const history = await opened.db.selectFrom("authenticator_history").selectAll().execute();
    expect(history).toMatchObject([
      { user_id: bob.id, created_at: NOW - 1000, removed_at: NOW, removed_by: null },
    ]);
  });

  it("a failing mail server neither undoes nor loses it: the notice waits and is retried", async () => {
    mailServerDown = true;
    expect(await forceNewPassword(deps, "cli", bob.id, null)).toMatchObject({ ok: true });
    expect(await sender().drain()).toBe(0);
    expect((await deps.stores.users.findById(bob.id))?.mustChangePassword).toBe(true);
    const types = (await opened.stores.audit.list({ userId: bob.id, limit: 5 })).map((e) => e.type);
    expect(types).toEqual(["notice_send_failed", "force_new_password"]);
    const [waiting] = await opened.stores.outbox.pending();
    expect(waiting).toMatchObject({ attempts: 1, to: "bob@example.org" });
    mailServerDown = false;
    expect(await sender().drain()).toBe(0); // not due yet: 30 s later
    clock.now = () => NOW + 30_000;
    try {
      expect(await sender().drain()).toBe(1);
    } finally {
      clock.now = () => NOW;
    }
    expect(sent).toHaveLength(1);
  });

  it("a fault inside the transaction leaves nothing: no change, no event, no notice", async () => {
    if (opened.dialect !== "sqlite") throw new Error("a SQLite trigger injects the fault");
    opened.sqlite.exec(
      "create trigger inject_fault before insert on audit_events begin select raise(abort, 'injected fault'); end",
    );
    await expect(forceNewPassword(deps, "cli", bob.id, null)).rejects.toThrow("injected fault");
    expect((await deps.stores.users.findById(bob.id))?.mustChangePassword).toBe(false);
    expect(await opened.stores.authenticators.get(bob.id)).toBeDefined();
    expect(await opened.stores.outbox.pending()).toEqual([]);
    expect(await opened.db.selectFrom("authenticator_history").selectAll().execute()).toEqual([]);
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
