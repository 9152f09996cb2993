// Issue 14 (nothing lost in a crash) on PostgreSQL, where the audit found a Force New
// Password killed mid-request taking effect with no audit event and no notice (1 in 22):
// the change, its event and its queued notice commit together; an instance that dies
// right after the commit leaves the notice to another instance, which sends it. Several
// senders on one database never send a message twice at once (the claim is one UPDATE).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashAfterCommit } from "../support/crash.js";
import { startVestibule, type Vestibule } from "../support/harness.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const services = await probeServices();
reportUnavailable(services, "the outbox on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("the outbox on PostgreSQL", () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  const started: Vestibule[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpServer();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: "",
      SMTP_URL: smtp.url,
      MAIL_FROM: "Acme <no-reply@acme.test>",
    };
  });
  afterAll(async () => {
    for (const v of started) await v.close().catch(() => {});
    await smtp?.close();
    await database?.drop();
  });

  it("Force New Password dying after its commit: event and notice are there, B sends it", async () => {
    const crash = crashAfterCommit();
    const a = await startVestibule({ methods: ["app"], env, overrides: crash.overrides });
    started.push(a);
    const supUser = await a.addUser("sup", { role: "supervisor" });
    const sup = await a.signIn("sup", await a.enrolApp(supUser));
    const kim = await a.addUser("kim", { email: "kim@example.org" });
    await a.enrolApp(kim);
    await sup.get(`/users/${kim.id}/force-new-password`);
    crash.armed = true;
    expect((await sup.post(`/users/${kim.id}/force-new-password`, {})).statusCode).toBe(503);
    const [event] = await a.system.stores.audit.list({
      userId: kim.id,
      type: "force_new_password",
      limit: 1,
    });
    expect(event).toMatchObject({ actorId: supUser.id });
    expect(await a.system.stores.outbox.pending()).toMatchObject([{ to: "kim@example.org" }]);
    await a.close();
    started.splice(started.indexOf(a), 1);

    const b = await startVestibule({ methods: ["app"], env });
    started.push(b);
    expect((await smtp.waitFor((m) => m.to === "kim@example.org")).subject).toContain(
      "your sign-in was reset",
    );
  });

  it("ten notices drained by two instances at once go out once each", async () => {
    const [c, d] = await Promise.all([startVestibule({ env }), startVestibule({ env })]);
    started.push(c, d);
    const now = c.clock.now();
    for (let i = 0; i < 10; i++) {
      await c.system.stores.outbox.enqueue(
        { kind: "test", userId: null, channel: "email", to: `n${i}@example.org`, text: "hi" },
        now,
      );
    }
    const [one, two] = await Promise.all([c.system.notices.drain(), d.system.notices.drain()]);
    // (Their periodic pass may have taken some first: never more than ten in all.)
    expect(one + two).toBeLessThanOrEqual(10);
    expect(one + two).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      const to = `n${i}@example.org`;
      await smtp.waitFor((m) => m.to === to);
      expect(smtp.messages.filter((m) => m.to === to)).toHaveLength(1);
    }
  });
});
