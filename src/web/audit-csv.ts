import { Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type { AuditPage } from "../core/audit-log.js";
import type { StoredAuditEvent } from "../core/ports/audit.js";
import { type Locale, t } from "../words/catalogue.js";
import { auditActor, auditEventName, auditSubject, describeAuditDetail } from "./audit-words.js";

/**
 * RFC 4180 (every field with text quoted, quotes doubled, CRLF between records) through
 * csv-stringify, with its escape_formulas: a cell starting with = + - @ or a tab or CR
 * gets a leading ' so a spreadsheet shows it as text instead of running it (OWASP "CSV
 * injection": a username typed at Login is attacker-chosen text).
 */
const CSV = { quoted: true, record_delimiter: "windows", escape_formulas: true } as const;

/**
 * The filtered audit log as CSV, newest first, read page by page (keyset) while it is
 * sent, so a long log never sits in memory. Times are ISO 8601 UTC; the event is named
 * in the reader's words and by its stable id for scripts. A UTF-8 BOM first, so
 * spreadsheet programs read the German and French words right.
 */
export function auditCsv(
  locale: Locale,
  readPage: (beforeId: number | undefined) => Promise<AuditPage>,
  namesOf: (events: StoredAuditEvent[]) => Promise<Map<string, string>>,
): Readable {
  const header = [
    t(locale, "audit.column.time", { zone: "UTC" }),
    t(locale, "audit.column.event"),
    t(locale, "audit.column.type"),
    t(locale, "audit.column.user"),
    t(locale, "audit.column.by"),
    t(locale, "audit.column.address"),
    t(locale, "audit.column.detail"),
  ];
  async function* lines(): AsyncGenerator<string> {
    yield `\ufeff${stringify([header], CSV)}`;
    let beforeId: number | undefined;
    do {
      const page = await readPage(beforeId);
      const names = await namesOf(page.events);
      yield stringify(
        page.events.map((e) => [
          new Date(e.at).toISOString(),
          auditEventName(locale, e.type),
          e.type,
          auditSubject(e, names),
          auditActor(locale, e, names),
          e.ip ?? "",
          describeAuditDetail(locale, e.detail),
        ]),
        CSV,
      );
      beforeId = page.nextBeforeId;
    } while (beforeId !== undefined);
  }
  return Readable.from(lines());
}
