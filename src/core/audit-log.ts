import type { AuditType } from "./audit.js";
import { normalizeUsername } from "./policy.js";
import type { Store, StoredAuditEvent } from "./ports.js";

// Reading the audit log (administrators, the CLI). The log is append-only: this file,
// like every other, only reads audit_events.

/** The event types offered in the audit page's filter. */
export const AUDIT_TYPES: readonly AuditType[] = [
  "signin_ok",
  "signin_failed",
  "password_throttled",
  "second_factor_failed",
  "second_factor_locked",
  "challenge_ended",
  "authenticator_added",
  "password_changed",
  "signout",
  "code_sent",
  "code_send_refused",
  "code_send_failed",
  "force_new_password",
  "settings_changed",
  "user_added",
  "user_changed",
  "notice_send_failed",
];

export interface AuditFilter {
  /** A username; an unknown one matches nothing. */
  username?: string;
  type?: string;
  since?: number;
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
export async function queryAudit(store: Store, filter: AuditFilter): Promise<AuditPage> {
  const limit = Math.min(Math.max(1, Math.floor(filter.limit)), MAX_LIMIT);
  let userId: string | undefined;
  if (filter.username) {
    const user = await store.findUserByUsername(normalizeUsername(filter.username));
    if (!user) return { events: [], nextBeforeId: undefined };
    userId = user.id;
  }
  // One row more than a page tells whether an older page exists.
  const rows = await store.listAudit({
    userId,
    type: filter.type || undefined,
    since: filter.since,
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
