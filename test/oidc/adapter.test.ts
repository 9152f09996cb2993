// The adapter contract on SQLite (two connections to one file) and PostgreSQL (two pools
// on a fresh database, as two instances).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { createOidcStorage } from "../../src/oidc/adapter.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import { fixedClock } from "../support/harness.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { type AdapterUnderTest, adapterContract } from "./adapter.contract.js";

const findClient = async (id: string) => (id === "test-client" ? { client_id: id } : undefined);

function underTest(opened: OpenedDatabase[]): AdapterUnderTest {
  const clock = fixedClock(Date.now());
  const [a, b] = opened as [OpenedDatabase, OpenedDatabase];
  return {
    storage: createOidcStorage(a.db, clock, findClient),
    other: createOidcStorage(b.db, clock, findClient),
    clock,
    async count(where = {}) {
      let query = a.db.selectFrom("oidc_models").select((eb) => eb.fn.countAll<number>().as("n"));
      if (where.model) query = query.where("model", "=", where.model);
      if (where.grantId) query = query.where("grant_id", "=", where.grantId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
  };
}

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  let sut: AdapterUnderTest;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-oidc-adapter-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
    sut = underTest(opened);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  adapterContract("SQLite", () => sut);
});

const services = await probeServices();
reportUnavailable(services, "oidc adapter contract on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  let sut: AdapterUnderTest;
  beforeAll(async () => {
    database = await createTestDatabase();
    opened.push(openDatabase(database.url), openDatabase(database.url));
    await migrate(opened[0]!);
    sut = underTest(opened);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });
  adapterContract("PostgreSQL", () => sut);
});
