import type { FastifyInstance, FastifyReply } from "fastify";

export interface HealthDeps {
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  /** Further stores /readyz checks besides the database (e.g. redis), by name. */
  healthChecks?: Record<string, () => Promise<void>>;
}

/**
 * /livez: the process answers (restart it when it does not). /readyz: it can serve,
 * i.e. the database and Redis answer (send it no traffic while it cannot). /healthz is
 * /readyz under its first name, kept for the load balancers and the Docker
 * HEALTHCHECK that use it.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get("/livez", async (_request, reply) => reply.send({ status: "ok" }));
  const ready = async (_request: unknown, reply: FastifyReply) => {
    const checks = { database: deps.ping, ...deps.healthChecks };
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
      } catch {
        return reply.code(503).send({ status: "unavailable", reason: name });
      }
    }
    return reply.send({ status: "ok" });
  };
  app.get("/readyz", ready);
  app.get("/healthz", ready);
}
