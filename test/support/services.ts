// PostgreSQL and Redis for the multi-instance and contract tests: a fresh database and
// a fresh Redis key prefix per run, and a clear word when they are not there.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { test } from "vitest";

export const ADMIN_PG_URL = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** In CI the services are required: their absence fails the run instead of skipping. */
export const IN_CI = Boolean(process.env.CI);

export interface Services {
  postgres: boolean;
  redis: boolean;
  /** Why each is not usable; "" when it answers. */
  reasons: { postgres: string; redis: string };
}

let probed: Promise<Services> | undefined;

/** Asks PostgreSQL and Redis once per test file; never throws. */
export function probeServices(): Promise<Services> {
  probed ??= (async () => {
    const [postgres, redis] = await Promise.all([probePostgres(), probeRedis()]);
    const reasons = {
      postgres:
        postgres === true ? "" : `PostgreSQL at ${ADMIN_PG_URL} did not answer (${postgres})`,
      redis: redis === true ? "" : `Redis at ${REDIS_URL} did not answer (${redis})`,
    };
    return { postgres: postgres === true, redis: redis === true, reasons };
  })();
  return probed;
}

async function probePostgres(): Promise<true | string> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch (err) {
    return (err as Error).message || (err as Error).name;
  } finally {
    await client.end().catch(() => {});
  }
}

async function probeRedis(): Promise<true | string> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG" ? true : "no PONG";
  } catch (err) {
    return (err as Error).message || (err as Error).name;
  } finally {
    client.disconnect();
  }
}

/**
 * Call at the top of a file whose suites need the services (describe.runIf(ok)).
 * Missing outside CI: a visible warning saying what was skipped and why. Missing in CI:
 * a failing test, so a broken CI service never passes as "skipped".
 */
export function reportUnavailable(
  services: Services,
  what: string,
  needs: readonly ("postgres" | "redis")[] = ["postgres", "redis"],
): void {
  const missing = needs.filter((n) => !services[n]);
  if (missing.length === 0) return;
  const why = missing.map((n) => services.reasons[n]).join("; ");
  if (IN_CI) {
    test(`${what} needs ${missing.join(" and ")} (required in CI)`, () => {
      throw new Error(why);
    });
  } else {
    console.warn(
      `\n[SKIPPED] ${what}: ${why}. Start it (see docs/deploy.md, "Tests") or set TEST_PG_URL / TEST_REDIS_URL; in CI this is a failure.\n`,
    );
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** CREATE DATABASE vestibule_test_<random>; drop() removes it (closing leftover connections). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `vestibule_test_${randomBytes(6).toString("hex")}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A key prefix no other run uses; clear() deletes every key under it. */
export function redisTestPrefix(): { prefix: string; clear(): Promise<void> } {
  const prefix = `vestibule_test_${randomBytes(6).toString("hex")}:`;
  return {
    prefix,
    async clear() {
      const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      client.on("error", () => {});
      try {
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== "0");
      } finally {
        client.disconnect();
      }
    },
  };
}
