import type { FastifyInstance } from "fastify";
import { AUDIT_TYPES, queryAudit } from "../../core/audit-log.js";
import { queryField, sendPage } from "../http.js";
import { auditPage } from "../pages-admin.js";
import { requireStaff } from "../staff-guard.js";
import type { StaffRouteDeps } from "./users.js";

const PAGE_SIZE = 50;

export function registerAuditRoutes(app: FastifyInstance, deps: StaffRouteDeps): void {
  app.get("/audit", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    const username = queryField(request, "user").trim().slice(0, 64);
    const typeWord = queryField(request, "type");
    const type = (AUDIT_TYPES as readonly string[]).includes(typeWord) ? typeWord : "";
    const before = Number(queryField(request, "before"));
    const page = await queryAudit(deps.admin.store, {
      username: username || undefined,
      type: type || undefined,
      beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE_SIZE,
    });
    // Show who acted by username, not by id.
    const actorIds = [...new Set(page.events.map((e) => e.actorId).filter((id) => id !== null))];
    const actors = await Promise.all(actorIds.map((id) => deps.admin.store.findUserById(id)));
    const actorNames = new Map(
      actors.filter((u) => u !== undefined).map((u) => [u.id, u.username] as const),
    );
    const next =
      page.nextBeforeId === undefined
        ? undefined
        : `/audit?${new URLSearchParams({ user: username, type, before: String(page.nextBeforeId) }).toString()}`;
    return sendPage(
      reply,
      auditPage(ctx, { events: page.events, username, type, types: AUDIT_TYPES, next, actorNames }),
    );
  });
}
