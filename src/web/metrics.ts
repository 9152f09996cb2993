import type { FastifyInstance } from "fastify";
import { isAllowed, parseAddressList } from "../metrics/allow.js";
import type { Metrics } from "../metrics/metrics.js";
import { forwardedUnread } from "./routes/login.js";

/**
 * GET /metrics in Prometheus's text format, for the addresses in METRICS_ALLOW only
 * (loopback by default); anyone else is told there is nothing here (404), as for any
 * unknown path. The address is request.ip: behind TRUST_PROXY the forwarded client, so
 * a proxy on loopback does not open it to the internet; a forwarded request from a proxy
 * that is not trusted is refused for the same reason.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Metrics,
  allow: readonly string[],
): void {
  const { list } = parseAddressList(allow);
  app.get("/metrics", async (request, reply) => {
    if (!isAllowed(list, request.ip) || forwardedUnread(request)) return reply.callNotFound();
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
