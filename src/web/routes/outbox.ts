import type { FastifyInstance } from "fastify";
import { isLoopbackAddress } from "../../core/client-key.js";
import type { Outbox } from "../../delivery/outbox.js";
import { pageContext } from "../context.js";
import { sendPage, type WebKit } from "../http.js";
import { outboxPage } from "../pages-codes.js";
import { forwardedUnread } from "./login.js";

/**
 * The development outbox (never registered in production): the codes are shown here, so
 * only a browser on this machine is answered; another machine (a staging server on
 * HOST=0.0.0.0) is told there is nothing here.
 */
export function registerOutboxRoutes(app: FastifyInstance, kit: WebKit, outbox: Outbox): void {
  app.get("/dev/outbox", async (request, reply) => {
    if (!isLoopbackAddress(request.ip) || forwardedUnread(request)) return reply.callNotFound();
    return sendPage(reply, outboxPage(pageContext(kit, request), outbox.list()));
  });
}
