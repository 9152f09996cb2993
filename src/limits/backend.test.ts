import { describe, expect, test } from "vitest";
import type { OpenedDatabase } from "../store/open.js";
import { openLimitStore } from "./backend.js";

const sqliteDb = { dialect: "sqlite", sqlite: {} } as unknown as OpenedDatabase;
const postgresDb = { dialect: "postgres", pool: {} } as unknown as OpenedDatabase;

describe("openLimitStore", () => {
  test("without Redis the counters go to the database: PostgreSQL's table or SQLite's", () => {
    const none = { redisUrl: undefined, redisPrefix: "v:" };
    expect(openLimitStore(none, postgresDb).backend.kind).toBe("postgres");
    expect(openLimitStore(none, sqliteDb).backend.kind).toBe("sqlite");
    expect(openLimitStore(none, postgresDb).kind).toBe("database");
  });

  test("Redis unreachable: fails fast, reports the outage once (not per retry), never throws", async () => {
    const lines: string[] = [];
    // Port 1 on loopback: connection refused at once, again at every retry.
    const store = openLimitStore(
      { redisUrl: "redis://127.0.0.1:1", redisPrefix: "v:" },
      postgresDb,
      (m) => lines.push(m),
    );
    try {
      expect(store.kind).toBe("redis");
      expect(store.backend).toMatchObject({ kind: "redis", prefix: "v:" });
      // ready() gives up (resolves, never throws) instead of blocking start; its own
      // 3 s bound is in backend.ts. No wall-clock assertion here (2 shared cores): the
      // test's timeout below is only a generous backstop against a hang.
      await expect(store.ready()).resolves.toBeUndefined();
      await expect(store.ping()).rejects.toThrow();
      // Several reconnect attempts, each failing again: still one line.
      const client = (store.backend as { client: import("ioredis").Redis }).client;
      await new Promise<void>((resolve) => {
        let n = 0;
        const onReconnecting = () => {
          if (++n >= 3) {
            client.off("reconnecting", onReconnecting);
            resolve();
          }
        };
        client.on("reconnecting", onReconnecting);
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^redis unavailable/);
    } finally {
      await store.close();
    }
  }, 20_000);
});
