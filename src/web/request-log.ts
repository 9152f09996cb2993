import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Metrics } from "../metrics/metrics.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user, once a guard has read the session (guards.ts); for the log line. */
    userId: string | null;
    /** Logged at debug, not info: an answer a flood repeats (the busy refusal, forms.ts). */
    quietLog: boolean;
  }
}

/** Polled by load balancers and orchestrators every few seconds: debug, not info. */
const PROBES = new Set(["/healthz", "/livez", "/readyz"]);

/**
 * The OpenID Connect provider is mounted through middie (oidc/mount.ts), not as Fastify
 * routes: its requests are logged under the mount's pattern instead of no route.
 */
const MOUNTS = ["/oidc"];

function routeOf(request: FastifyRequest): string | null {
  const route = request.routeOptions.url;
  if (route !== undefined) return route;
  // middie strips the mount from request.url; originalUrl keeps it.
  const path = request.originalUrl.split("?", 1)[0] ?? "";
  const mount = MOUNTS.find((m) => path === m || path.startsWith(`${m}/`));
  return mount === undefined ? null : `${mount}/*`;
}

/**
 * One JSON line per request, when the response has gone: method, the route's pattern
 * (`/users/:id`, never the URL with its ids and query), status, milliseconds and the
 * user id when a guard knew it. Fastify's own request lines are off (app.ts); nothing
 * here reads a header, a cookie or the body. The same hook counts 503s for /metrics.
 */
export function logRequests(app: FastifyInstance, metrics: Metrics): void {
  app.decorateRequest("userId", null);
  app.decorateRequest("quietLog", false);
  app.addHook("onResponse", async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    if (status === 503) metrics.unavailable.inc({ route: route ?? "none" });
    const line = {
      method: request.method,
      route,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      userId: request.userId,
    };
    if (request.quietLog || (route !== null && PROBES.has(route))) {
      request.log.debug(line, "request");
    } else request.log.info(line, "request");
  });
}
