import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

// What /metrics exposes (docs/operations.md lists them). Every family is a counter or a
// histogram updated in place: the hot path adds no objects beyond prom-client's own.
// Label values come from fixed sets (see audit-observer.ts), never from request input.

/** Seconds; store calls and Redis commands are usually well under 10 ms. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
/** Seconds a password hash waited for a free slot. */
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  /** Sign-in steps by outcome (ok, failed, throttled, wrong_code, too_many_codes) and method. */
  signins: Counter<"outcome" | "method">;
  /** Email/SMS codes by channel and result (sent, refused by a limit, failed at the provider). */
  codes: Counter<"channel" | "result">;
  /** A second factor locked after wrong codes. */
  locks: Counter<"factor">;
  hashWait: Histogram;
  store: Histogram<"slice" | "op">;
  redis: Histogram<"command">;
  /** 503 answers, by route pattern. */
  unavailable: Counter<"route">;
  /** Where the hash queue's depth is read at each scrape. */
  watchHashQueue(depth: () => number): void;
  /** prom-client's process metrics (CPU, memory, event loop lag): the server only. */
  collectProcessMetrics(): void;
}

/** A registry of its own per system, so several systems in one test process never share. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  let queueDepth = (): number => 0;
  new Gauge({
    name: "vestibule_hash_queue_depth",
    help: "Password hashes waiting for a free slot (HASH_CONCURRENCY); at HASH_QUEUE sign-in answers 503",
    registers,
    collect() {
      this.set(queueDepth());
    },
  });
  return {
    registry,
    signins: new Counter({
      name: "vestibule_signins_total",
      help: "Sign-in steps by outcome and method (password, app, sms, email, second_factor)",
      labelNames: ["outcome", "method"],
      registers,
    }),
    codes: new Counter({
      name: "vestibule_codes_total",
      help: "Verification codes by channel (email, sms) and result (sent, refused, failed)",
      labelNames: ["channel", "result"],
      registers,
    }),
    locks: new Counter({
      name: "vestibule_locks_total",
      help: "Second factors locked after repeated wrong codes",
      labelNames: ["factor"],
      registers,
    }),
    hashWait: new Histogram({
      name: "vestibule_hash_wait_seconds",
      help: "Time a password hash waited for a free slot",
      buckets: WAIT_BUCKETS,
      registers,
    }),
    store: new Histogram({
      name: "vestibule_store_seconds",
      help: "Database calls by store slice and operation",
      labelNames: ["slice", "op"],
      buckets: FAST_BUCKETS,
      registers,
    }),
    redis: new Histogram({
      name: "vestibule_redis_seconds",
      help: "Redis commands (rate limits), by command",
      labelNames: ["command"],
      buckets: FAST_BUCKETS,
      registers,
    }),
    unavailable: new Counter({
      name: "vestibule_unavailable_total",
      help: "Answers with status 503 (a store or Redis away, the hasher saturated), by route",
      labelNames: ["route"],
      registers,
    }),
    watchHashQueue(depth) {
      queueDepth = depth;
    },
    collectProcessMetrics() {
      collectDefaultMetrics({ register: registry });
    },
  };
}
