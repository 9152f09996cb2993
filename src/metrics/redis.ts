import type { Redis } from "ioredis";
import type { Metrics } from "./metrics.js";

/**
 * Times every command the client sends into vestibule_redis_seconds{command}. ioredis
 * has no hook for this; every command (single, pipelined or in MULTI) passes through
 * sendCommand, which is where OpenTelemetry's ioredis instrumentation wraps it too.
 * The command names are ioredis's own (get, evalsha, …): a small fixed set. A command
 * ioredis sends again itself (after a cluster import) is timed once.
 */
export function timeRedis(client: Redis, histogram: Metrics["redis"]): void {
  const send = client.sendCommand.bind(client);
  const timed = new WeakSet<object>();
  client.sendCommand = (command, stream) => {
    if (timed.has(command)) return send(command, stream);
    timed.add(command);
    const started = performance.now();
    const observe = (): void => {
      histogram.observe({ command: command.name }, (performance.now() - started) / 1000);
    };
    command.promise.then(observe, observe);
    return send(command, stream);
  };
}
