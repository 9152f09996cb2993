import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AUDIT_TYPES } from "../../core/audit.js";
import { type AuditFilter, queryAudit } from "../../core/audit-log.js";
import type { StoredAuditEvent } from "../../core/ports/audit.js";
import type { UserStore } from "../../core/ports/users.js";
import { t } from "../../words/catalogue.js";
import { auditCsv } from "../audit-csv.js";
import { requireStaff } from "../guards.js";
import { queryField, sendPage } from "../http.js";
import { errorPage } from "../pages.js";
import { type AuditFilterView, auditPage } from "../pages-admin.js";
import type { StaffRouteDeps } from "./users.js";

const PAGE_SIZE = 50;
const CSV_PAGE_SIZE = 200;

export function registerAuditRoutes(app: FastifyInstance, deps: StaffRouteDeps): void {
  const users = deps.admin.stores.users;

  app.get("/audit", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    const { view, filter } = readFilter(request);
    if (!filter) {
      return sendPage(
        reply,
        auditPage(ctx, {
          events: [],
          filter: view,
          types: AUDIT_TYPES,
          names: new Map(),
          error: t(ctx.locale, "audit.bad_time"),
          csvParams: {},
        }),
        400,
      );
    }
    const before = Number(queryField(request, "before"));
    const page = await queryAudit(deps.core.stores, {
      ...filter,
      beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE_SIZE,
    });
    const next =
      page.nextBeforeId === undefined
        ? undefined
        : `/audit?${new URLSearchParams({ ...linkParams(view), before: String(page.nextBeforeId) }).toString()}`;
    return sendPage(
      reply,
      auditPage(ctx, {
        events: page.events,
        filter: view,
        types: AUDIT_TYPES,
        next,
        names: await actorNamesOf(users, page.events),
        csvParams: linkParams(view),
      }),
    );
  });

  // The same filters as the page, every matching event (not one page of them).
  app.get("/audit.csv", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    const { filter } = readFilter(request);
    if (!filter) return badTime(reply, ctx);
    const csv = auditCsv(
      ctx.locale,
      (beforeId) => queryAudit(deps.core.stores, { ...filter, beforeId, limit: CSV_PAGE_SIZE }),
      (events) => actorNamesOf(users, events),
    );
    return reply
      .type("text/csv; charset=utf-8; header=present")
      .header("content-disposition", 'attachment; filename="audit.csv"')
      .send(csv);
  });
}

function badTime(reply: FastifyReply, ctx: Parameters<typeof errorPage>[0]) {
  return sendPage(
    reply,
    errorPage(ctx, t(ctx.locale, "error.bad_request.title"), t(ctx.locale, "audit.bad_time")),
    400,
  );
}

/** The filters a link carries: only those set, in the form's order. */
export function linkParams(view: AuditFilterView): Record<string, string> {
  const all = { user: view.username, type: view.type, from: view.from, to: view.to };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== ""));
}

/**
 * The query's filters: as typed (for the form and the links) and as the store takes
 * them; `filter` is undefined when a time is not one (only a hand-made URL does that:
 * browsers send datetime-local values).
 */
function readFilter(request: FastifyRequest): {
  view: AuditFilterView;
  filter: Omit<AuditFilter, "limit" | "beforeId"> | undefined;
} {
  const username = queryField(request, "user").trim().slice(0, 64);
  const typeWord = queryField(request, "type");
  const type = (AUDIT_TYPES as readonly string[]).includes(typeWord) ? typeWord : "";
  const from = queryField(request, "from").trim().slice(0, 19);
  const to = queryField(request, "to").trim().slice(0, 19);
  const view = { username, type, from, to };
  const since = from ? minuteOrSecond(from) : undefined;
  const until = to ? minuteOrSecond(to) : undefined;
  if (since === null || until === null) return { view, filter: undefined };
  return {
    view,
    filter: {
      username: username || undefined,
      type: type || undefined,
      since: since?.start,
      // "To 14:05" includes the whole of 14:05.
      until: until?.end,
    },
  };
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A datetime-local value (yyyy-mm-ddThh:mm[:ss]) read as UTC, the zone the audit page
 * shows: the span of that minute (or second). null when it is not a real time
 * (2030-02-30T25:00).
 */
function minuteOrSecond(text: string): { start: number; end: number } | null {
  const m = LOCAL_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((n) => Number(n ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const start = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(start);
  const real =
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute;
  if (!real || second > 59) return null;
  return { start, end: start + (m[6] === undefined ? 60_000 : 1000) };
}

/**
 * Usernames by id for a page of events: who acted, and whom an event is about when its
 * row names nobody (rows written before every event carried the username), looked up
 * once per id.
 */
export async function actorNamesOf(
  users: Pick<UserStore, "findById">,
  events: readonly (Pick<StoredAuditEvent, "actorId"> &
    Partial<Pick<StoredAuditEvent, "userId" | "username">>)[],
): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.actorId) ids.add(e.actorId);
    if (e.userId && !e.username) ids.add(e.userId);
  }
  const found = await Promise.all([...ids].map((id) => users.findById(id)));
  return new Map(found.filter((u) => u !== undefined).map((u) => [u.id, u.username] as const));
}
