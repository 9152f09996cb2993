// The audit CSV: RFC 4180 (every field with text quoted, "" for a quote, CRLF records, a line
// break kept inside its field), formula cells made text, all pages read in order.
import { describe, expect, it } from "vitest";
import type { AuditPage } from "../core/audit-log.js";
import type { StoredAuditEvent } from "../core/ports/audit.js";
import { auditCsv } from "./audit-csv.js";

const event = (id: number, e: Partial<StoredAuditEvent> = {}): StoredAuditEvent => ({
  id,
  at: Date.UTC(2030, 0, 1, 0, 0, id),
  type: "signin_failed",
  userId: null,
  actorId: null,
  username: null,
  ip: "192.0.2.1",
  detail: { step: "password", why: "unknown_user" },
  ...e,
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let all = "";
  for await (const chunk of stream) all += String(chunk);
  return all;
}

/** An RFC 4180 reader, strict enough to fail on what the writer must not produce. */
function parse(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < csv.length) {
    let field = "";
    if (csv[i] === '"') {
      i++;
      for (;;) {
        if (i >= csv.length) throw new Error("unterminated quote");
        if (csv[i] === '"' && csv[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (csv[i] === '"') {
          i++;
          break;
        } else field += csv[i++];
      }
    } else {
      while (i < csv.length && csv[i] !== "," && csv[i] !== "\r") {
        if (csv[i] === '"' || csv[i] === "\n") throw new Error(`bare ${csv[i]} at ${i}`);
        field += csv[i++];
      }
    }
    row.push(field);
    if (csv[i] === ",") i++;
    else if (csv.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < csv.length) throw new Error(`unexpected ${JSON.stringify(csv[i])} at ${i}`);
  }
  if (row.length) throw new Error("last record without CRLF");
  return rows;
}

describe("auditCsv", () => {
  it("quotes, escapes formulas, keeps line breaks inside fields, reads every page", async () => {
    const pages: AuditPage[] = [
      {
        events: [
          event(6, { username: '=HYPERLINK("http://evil.example","x")' }),
          event(5, { username: "+cmd|' /C calc'!A0" }),
          event(4, { username: "-2+3" }),
        ],
        nextBeforeId: 4,
      },
      {
        events: [
          event(3, { username: "@SUM(1,2)" }),
          event(2, {
            type: "code_send_failed",
            userId: "u1",
            detail: { method: "sms", error: 'gateway said "no",\nthen hung up', refunded: false },
          }),
          event(1, { type: "settings_changed", actorId: "a1", detail: { via: "web" } }),
        ],
        nextBeforeId: undefined,
      },
    ];
    const asked: (number | undefined)[] = [];
    const csv = await text(
      auditCsv(
        "en",
        async (beforeId) => {
          asked.push(beforeId);
          return pages[asked.length - 1]!;
        },
        async () =>
          new Map([
            ["u1", "nina"],
            ["a1", "root"],
          ]),
      ),
    );
    expect(asked).toEqual([undefined, 4]);
    expect(csv.startsWith("\ufeff")).toBe(true);
    const rows = parse(csv.slice(1));
    expect(rows[0]).toEqual(["Time (UTC)", "Event", "Event id", "User", "By", "Address", "Detail"]);
    expect(rows.slice(1).map((r) => r[3])).toEqual([
      `'=HYPERLINK("http://evil.example","x")`,
      "'+cmd|' /C calc'!A0",
      "'-2+3",
      "'@SUM(1,2)",
      "nina",
      "",
    ]);
    expect(rows[1]).toEqual([
      "2030-01-01T00:00:06.000Z",
      "Sign-in failed",
      "signin_failed",
      `'=HYPERLINK("http://evil.example","x")`,
      "",
      "192.0.2.1",
      "At the password step; Reason: unknown username",
    ]);
    expect(rows[5]![6]).toBe(
      'Method: SMS; Provider: gateway said "no",\nthen hung up; Counted (it may have gone out)',
    );
    expect(rows[6]!.slice(1, 5)).toEqual(["Settings changed", "settings_changed", "", "root"]);
    // Every field that has text is quoted (RFC 4180 allows it; no reader guesses).
    expect(csv).toContain('"Sign-in failed","signin_failed"');
  });

  it("an empty log is the header alone", async () => {
    const csv = await text(
      auditCsv(
        "de",
        async () => ({ events: [], nextBeforeId: undefined }),
        async () => new Map(),
      ),
    );
    expect(parse(csv.slice(1))).toEqual([
      ["Zeit (UTC)", "Ereignis", "Ereignis-ID", "Benutzer", "Von", "Adresse", "Details"],
    ]);
  });
});
