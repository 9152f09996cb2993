import type { Redis } from "ioredis";
import { limiterClient, type OpenedDatabase } from "../store/open.js";
import type { LimitBackend } from "./rate-limits.js";
import { connectRedis, pingRedis, redisReady } from "./redis.js";

/** Where a deployment keeps its counters, with what it takes to check and close it. */
export interface LimitStore {
  backend: LimitBackend;
  /** "redis" when Redis holds the counters; otherwise they live in the database. */
  kind: "redis" | "database" | "memory";
  /** Rejects when the counters cannot be reached (the database is pinged separately). */
  ping(): Promise<void>;
  /** Resolves once connected, or after a few seconds when the store is away (then 503s). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * REDIS_URL → Redis (shared by every instance); else PostgreSQL → its rate_limits table
 * (still shared); else SQLite → its own tables (one process). Memory only when asked.
 */
export function openLimitStore(
  settings: { redisUrl: string | undefined; redisPrefix: string },
  database: OpenedDatabase,
  /** Told once when Redis goes away and once when it is back (not at every retry). */
  log?: (message: string) => void,
): LimitStore {
  if (settings.redisUrl) {
    let down = false;
    const client: Redis = connectRedis(settings.redisUrl, {
      onError: (err) => {
        if (!down) log?.(`redis unavailable (${err.message}); limits answer 503 until it returns`);
        down = true;
      },
    });
    client.on("ready", () => {
      if (down) log?.("redis is back");
      down = false;
    });
    return {
      backend: { kind: "redis", client, prefix: settings.redisPrefix },
      kind: "redis",
      ping: () => pingRedis(client),
      ready: async () => {
        await redisReady(client, 3000);
      },
      close: async () => {
        client.disconnect();
      },
    };
  }
  const backend: LimitBackend =
    database.dialect === "postgres"
      ? { kind: "postgres", pool: database.pool }
      : { kind: "sqlite", client: limiterClient(database.sqlite) };
  const nothing = async () => {};
  return { backend, kind: "database", ping: nothing, ready: nothing, close: nothing };
}
