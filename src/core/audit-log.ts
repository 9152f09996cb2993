import { normalizeUsername } from "./policy.js";
import type { StoredAuditEvent } from "./ports/audit.js";
import type { Stores } from "./ports/stores.js";

// Reading the audit log (administrators, the CLI). The log is append-only: this file,
// like every other, only reads audit_events.

export interface AuditFilter {
  /** A username; an unknown one matches nothing. */
  username?: string;
  type?: string;
  since?: number;
  /** Events strictly before this time. */
  until?: number;
  beforeId?: number;
  limit: number;
}

export interface AuditPage {
  events: StoredAuditEvent[];
  /** Pass as beforeId for the next (older) page; undefined on the last page. */
  nextBeforeId: number | undefined;
}

const MAX_LIMIT = 200;

/** Newest first, keyset-paged by id so a page stays fast however long the log grows. */
export async function queryAudit(
  stores: Pick<Stores, "users" | "audit">,
  filter: AuditFilter,
): Promise<AuditPage> {
  const limit = Math.min(Math.max(1, Math.floor(filter.limit)), MAX_LIMIT);
  let userId: string | undefined;
  if (filter.username) {
    const user = await stores.users.findByUsername(normalizeUsername(filter.username));
    if (!user) return { events: [], nextBeforeId: undefined };
    userId = user.id;
  }
  // One row more than a page tells whether an older page exists.
  const rows = await stores.audit.list({
    userId,
    type: filter.type || undefined,
    since: filter.since,
    until: filter.until,
    beforeId: filter.beforeId,
    limit: limit + 1,
  });
  const events = rows.slice(0, limit);
  const more = rows.length > limit;
  return { events, nextBeforeId: more ? events[events.length - 1]?.id : undefined };
}

/** "1h", "30m", "2d", "45s" → milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}
