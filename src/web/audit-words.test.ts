// Audit events in the reader's words, in every language: a name for every event type,
// every detail key that core writes in words (no ids, no braces), and the user's name.
import { describe, expect, it } from "vitest";
import { AUDIT_TYPES } from "../core/audit.js";
import type { StoredAuditEvent } from "../core/ports/audit.js";
import { LOCALES } from "../words/catalogue.js";
import { auditActor, auditEventName, auditSubject, describeAuditDetail } from "./audit-words.js";

/** Every detail shape core/ writes today (grep `detail:` in src/core). */
const DETAILS: Record<string, unknown>[] = [
  { method: "app" },
  { method: "sms" },
  { step: "password", why: "unknown_user" },
  { step: "password", why: "wrong_password" },
  { step: "password", why: "inactive" },
  { failed: 1 },
  { failed: 3 },
  { method: "email", reused: true },
  { appKeyUnreadable: true, failed: 2 },
  { method: "sms", limit: "user_burst", retryAfterMs: 29_500 },
  { method: "email", limit: "user" },
  { method: "sms", limit: "destination" },
  { method: "sms", limit: "ip" },
  { method: "sms", limit: "sms_budget" },
  { method: "sms", error: "webhook answered 500", refunded: false },
  { method: "sms", error: "twilio refused (400)", refunded: true },
  { notice: "authenticator_added" },
  { notice: "force_new_password" },
  { via: "cli" },
  { via: "web" },
  { role: "supervisor", via: "web" },
  { changed: ["displayName", "email", "phone", "role"], role: { from: "user", to: "supervisor" } },
  { active: false },
  { active: true },
  { methods: { from: ["app"], to: ["app", "sms", "email"] }, via: "web" },
  { methods: { from: ["app"], to: [] }, via: "cli" },
  { limit: "accountAddress" },
  { limit: "device" },
  { limits: ["account", "address"] },
  { block: 1, minutes: 15 },
  { block: 4, permanent: true },
  { lock: "permanent", via: "web" },
  { lock: "temporary", via: "cli" },
  { notice: "user_changed", channel: "sms", attempt: 3, error: "twilio answered HTTP 500" },
  {
    changed: ["email", "phone"],
    email: { from: "a@example.org", to: "" },
    phone: { from: null, to: "+61412345678" },
  },
  {
    host: "wiki.example.org",
    roles: { from: null, to: ["supervisor", "administrator"] },
    via: "web",
  },
  { host: "wiki.example.org", roles: { from: ["user"], to: null }, via: "cli" },
  // Issue 11: the account page and temporary passwords
  { via: "account", sessionsEnded: 2 },
  { sessionsEnded: 1 },
  { via: "web", generated: true, mustChange: true, validHours: 72 },
  { via: "cli", generated: false, mustChange: false },
  { step: "password", why: "temporary_password_expired" },
];

const event = (e: Partial<StoredAuditEvent>): StoredAuditEvent => ({
  id: 1,
  at: 0,
  type: "signin_ok",
  userId: null,
  actorId: null,
  username: null,
  ip: null,
  detail: {},
  ...e,
});

describe.each(LOCALES)("audit words in %s", (locale) => {
  it("every event type has a name of its own, not its id", () => {
    const names = AUDIT_TYPES.map((type) => auditEventName(locale, type));
    for (const [i, name] of names.entries()) {
      expect(name).not.toBe(AUDIT_TYPES[i]);
      expect(name).not.toMatch(/_|\{/);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(DETAILS.map((d) => [JSON.stringify(d), d]))("detail %s in words", (_, detail) => {
    const text = describeAuditDetail(locale, detail as Record<string, unknown>);
    // Words, not the stored keys ("why: …") or codes ("unknown_user").
    expect(text).not.toMatch(/[{}_]/);
    for (const key of Object.keys(detail as object)) {
      expect(text).not.toMatch(new RegExp(`(^|; )${key}\u00a0?:`));
    }
    expect(text.length).toBeGreaterThan(3);
  });

  it("keeps what it does not know, as stored", () => {
    expect(describeAuditDetail(locale, { future: "x" })).toMatch(/^future\u00a0?: x$/);
    expect(auditEventName(locale, "future_event")).toBe("future_event");
  });
});

describe("whom and who", () => {
  const names = new Map([
    ["u1", "nina"],
    ["a1", "root"],
  ]);
  it("the row's username, else the user's present name, else the id", () => {
    expect(auditSubject(event({ userId: "u1", username: "written" }), names)).toBe("written");
    expect(auditSubject(event({ userId: "u1" }), names)).toBe("nina");
    expect(auditSubject(event({ userId: "gone" }), names)).toBe("gone");
    expect(auditSubject(event({}), names)).toBe("");
  });
  it("self, a staff member by name, or the command line", () => {
    expect(auditActor("en", event({ userId: "u1", actorId: "u1" }), names)).toBe("self");
    expect(auditActor("de", event({ userId: "u1", actorId: "a1" }), names)).toBe("root");
    expect(auditActor("fr", event({ detail: { via: "cli" } }), names)).toBe("ligne de commande");
    expect(auditActor("en", event({}), names)).toBe("");
  });
});
