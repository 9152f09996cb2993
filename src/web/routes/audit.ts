import type { FastifyInstance } from "fastify";
import { AUDIT_TYPES } from "../../core/audit.js";
import { queryAudit } from "../../core/audit-log.js";
import type { StoredAuditEvent } from "../../core/ports/audit.js";
import type { UserStore } from "../../core/ports/users.js";
import { requireStaff } from "../guards.js";
import { queryField, sendPage } from "../http.js";
import { auditPage } from "../pages-admin.js";
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
    const page = await queryAudit(deps.core.stores, {
      username: username || undefined,
      type: type || undefined,
      beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE_SIZE,
    });
    const actorNames = await actorNamesOf(deps.admin.stores.users, page.events);
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

/** Who acted, by username rather than by id. */
export async function actorNamesOf(
  users: Pick<UserStore, "findById">,
  events: readonly Pick<StoredAuditEvent, "actorId">[],
): Promise<Map<string, string>> {
  const ids = [...new Set(events.map((e) => e.actorId).filter((id) => id !== null))];
  const actors = await Promise.all(ids.map((id) => users.findById(id)));
  return new Map(actors.filter((u) => u !== undefined).map((u) => [u.id, u.username] as const));
}
