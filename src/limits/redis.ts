import { Redis } from "ioredis";

export interface RedisOptions {
  /** Called with each connection error; the client keeps reconnecting by itself. */
  onError?: (err: Error) => void;
  /** Milliseconds a command may take before it fails (default 1000). */
  commandTimeoutMs?: number;
}

/**
 * An ioredis client that fails fast instead of queueing: with Redis away, a request
 * that needs a limit gets an error at once (and answers 503) rather than hanging until
 * Redis returns. The client reconnects in the background and serves again when it can.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    // Commands issued while disconnected are refused, not held for later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    // Keep trying forever, at most every 2 s: recovery needs no restart.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
  // Without a listener an 'error' event would crash the process.
  client.on("error", (err: Error) => options.onError?.(err));
  return client;
}

/** Resolves when Redis answers PING, rejects otherwise (also when not connected). */
export async function pingRedis(client: Redis): Promise<void> {
  const answer = await client.ping();
  if (answer !== "PONG") throw new Error(`redis answered ${answer} to PING`);
}

/**
 * Waits until the client is connected (true) or `timeoutMs` passes (false). Used at
 * start so the first requests do not fail while the connection is being made; when
 * Redis is away at start the service still starts and answers 503 until it returns.
 */
export function redisReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off("ready", onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on("ready", onReady);
  });
}
