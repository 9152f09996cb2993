// Second review: Save (confirmAuthenticator) against Force New Password. Under READ
// COMMITTED an INSERT … SELECT read the challenge as of its start: Force New Password
// could commit in between and the insert land after its delete, so the authenticator of
// whoever held the old password survived it. Now Save deletes its challenge first (a row
// lock) and Force New Password deletes challenges before authenticators: whichever is
// second sees the other's commit. PostgreSQL: both interleavings forced with a held
// transaction. SQLite (writers serialized): the sequential outcomes.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stores } from "../../src/core/ports/stores.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import type { Database } from "../../src/store/schema.js";
import { flowRow } from "../support/flows.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const NOW = Date.UTC(2030, 0, 1);
const BOX = "box-shown-to-the-old-key-holder";

interface Pending {
  userId: string;
  idHash: string;
}

async function pendingSetup(store: Stores): Promise<Pending> {
  const user = await store.users.create(
    {
      username: `race_${randomUUID().slice(0, 8)}`,
      role: "user",
      passwordHash: "x",
      mustChangePassword: false,
    },
    randomUUID(),
    NOW,
  );
  if (!user) throw new Error("createUser refused a fresh username");
  const row = flowRow(user.id, { state: "setup_app" }, NOW);
  await store.flows.create(row);
  const { idHash } = row;
  expect(await store.flows.setSetupKey(idHash, BOX)).toBe(BOX);
  return { userId: user.id, idHash };
}

const save = (store: Stores, p: Pending, secretBox = BOX) =>
  store.authenticators.confirm({ flowIdHash: p.idHash, secretBox, step: 7, now: NOW });

function sequentialOutcomes(get: () => { store: Stores; other: Stores }) {
  it("a valid Save confirms once and ends its pending sign-in", async () => {
    const { store, other } = get();
    const p = await pendingSetup(store);
    expect(await save(other, p)).toBe(true);
    expect(await store.authenticators.get(p.userId)).toMatchObject({ lastStep: 7, secretBox: BOX });
    expect(await store.flows.find(p.idHash, NOW)).toBeUndefined();
    expect(await save(store, p)).toBe(false);
  });

  it("Save after Force New Password: refused, no authenticator", async () => {
    const { store, other } = get();
    const p = await pendingSetup(store);
    await other.users.forceNewPassword(p.userId, { at: NOW, byId: null });
    expect(await save(store, p)).toBe(false);
    expect(await store.authenticators.get(p.userId)).toBeUndefined();
  });

  it("Force New Password after Save: the authenticator goes", async () => {
    const { store, other } = get();
    const p = await pendingSetup(store);
    expect(await save(store, p)).toBe(true);
    await other.users.forceNewPassword(p.userId, { at: NOW, byId: null });
    expect(await store.authenticators.get(p.userId)).toBeUndefined();
  });

  it("a Save from a second sign-in after one confirmed: refused, and that sign-in stays", async () => {
    const { store, other } = get();
    const p = await pendingSetup(store);
    const second = randomUUID();
    await store.flows.create(flowRow(p.userId, { idHash: second, state: "setup_app" }, NOW));
    await store.flows.setSetupKey(second, "box-two");
    expect(await save(store, p)).toBe(true);
    expect(await save(other, { userId: p.userId, idHash: second }, "box-two")).toBe(false);
    expect(await store.flows.find(second, NOW)).toBeDefined();
    expect((await store.authenticators.get(p.userId))?.secretBox).toBe(BOX);
  });
}

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-race-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  sequentialOutcomes(() => ({ store: opened[0]!.stores, other: opened[1]!.stores }));
});

const services = await probeServices();
reportUnavailable(services, "Save vs Force New Password on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    opened.push(openDatabase(database.url), openDatabase(database.url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });
  sequentialOutcomes(() => ({ store: opened[0]!.stores, other: opened[1]!.stores }));

  /** Resolves once some statement in this database waits on a lock. */
  async function someoneWaits(db: Kysely<Database>): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      if (Number(rows[0]?.n) > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("no statement ever waited on a lock");
  }

  it("Save while Force New Password's transaction is open (not committed): no authenticator survives", async () => {
    const store = opened[0]!.stores;
    const db = opened[0]!.db;
    const p = await pendingSetup(store);
    let saved: Promise<boolean> | undefined;
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      // Force New Password's statements, in its order, all but the COMMIT.
      await sql`delete from flows where user_id = ${p.userId}`.execute(conn);
      await sql`delete from authenticators where user_id = ${p.userId}`.execute(conn);
      await sql`update users set must_change_password = 1 where id = ${p.userId}`.execute(conn);
      await sql`delete from sessions where user_id = ${p.userId}`.execute(conn);
      // Save on another instance, with the code checked against the key it showed.
      saved = save(opened[1]!.stores, p);
      await someoneWaits(opened[1]!.db);
      await sql`commit`.execute(conn);
    });
    expect(await saved).toBe(false);
    expect(await store.authenticators.get(p.userId)).toBeUndefined();
  });

  it("Force New Password while a Save's transaction is open: it waits, then removes that authenticator", async () => {
    const store = opened[0]!.stores;
    const db = opened[0]!.db;
    const p = await pendingSetup(store);
    let forced: Promise<void> | undefined;
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      // Save's statements (setup-key-queries.ts), all but the COMMIT.
      const taken = await sql`
        delete from flows where id_hash = ${p.idHash} and setup_secret_box = ${BOX}
        returning user_id`.execute(conn);
      expect(taken.rows).toHaveLength(1);
      await sql`
        insert into authenticators (user_id, secret_box, confirmed_at, last_step, created_at)
        values (${p.userId}, ${BOX}, ${NOW}, 7, ${NOW})`.execute(conn);
      forced = opened[1]!.stores.users.forceNewPassword(p.userId, { at: NOW, byId: null });
      await someoneWaits(opened[1]!.db);
      await sql`commit`.execute(conn);
    });
    await forced;
    expect(await store.authenticators.get(p.userId)).toBeUndefined();
    expect((await store.users.findById(p.userId))?.mustChangePassword).toBe(true);
  });
});
