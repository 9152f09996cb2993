// The store contract on SQLite (two connections to one temp file, as the CLI and the
// server) and on PostgreSQL (two pools on a fresh database, as two instances).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { type StoreUnderTest, storeContract } from "./store.contract.js";

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  let sut: StoreUnderTest;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-contract-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
    sut = { store: opened[0]!.stores, other: opened[1]!.stores, ping: () => opened[0]!.ping() };
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  storeContract("SQLite", () => sut);
});

const services = await probeServices();
reportUnavailable(services, "store contract on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  let sut: StoreUnderTest;
  beforeAll(async () => {
    database = await createTestDatabase();
    opened.push(openDatabase(database.url), openDatabase(database.url));
    await migrate(opened[0]!);
    sut = { store: opened[0]!.stores, other: opened[1]!.stores, ping: () => opened[0]!.ping() };
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });
  storeContract("PostgreSQL", () => sut);
});
