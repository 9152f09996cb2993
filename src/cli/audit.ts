import { parseDuration, queryAudit } from "../core/audit-log.js";
import type { Stores } from "../core/ports/stores.js";
import { parseOptions } from "./args.js";

export interface AuditArgs {
  user?: string;
  /** Milliseconds back from now. */
  sinceMs?: number;
}

/** `vestibule audit [--user U] [--since 1h]`; throws with a usage message on bad input. */
export function parseAuditArgs(args: string[]): AuditArgs {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: { user: { type: "string" }, since: { type: "string" } },
    },
    "audit",
  );
  if (positionals.length > 0) throw new Error("audit takes only --user U and --since DURATION");
  let sinceMs: number | undefined;
  if (values.since !== undefined) {
    sinceMs = parseDuration(values.since);
    if (sinceMs === undefined) throw new Error(`--since takes a duration such as 30m, 1h or 7d`);
  }
  return { user: values.user, sinceMs };
}

/**
 * Prints the matching events as JSON lines, newest first, paging through the log by id
 * so a long log never sits in memory at once. Times are ISO 8601 UTC.
 */
export async function printAudit(
  stores: Pick<Stores, "users" | "audit">,
  args: AuditArgs,
  nowMs: number,
  write: (line: string) => void,
): Promise<number> {
  let beforeId: number | undefined;
  let count = 0;
  for (;;) {
    const page = await queryAudit(stores, {
      username: args.user,
      since: args.sinceMs === undefined ? undefined : nowMs - args.sinceMs,
      beforeId,
      limit: 200,
    });
    for (const e of page.events) {
      write(
        `${JSON.stringify({
          id: e.id,
          at: new Date(e.at).toISOString(),
          type: e.type,
          userId: e.userId,
          username: e.username,
          actorId: e.actorId,
          ip: e.ip,
          detail: e.detail,
        })}\n`,
      );
      count++;
    }
    if (page.nextBeforeId === undefined) return count;
    beforeId = page.nextBeforeId;
  }
}
