import { AUDIT_TYPES, type AuditType } from "../core/audit.js";
import type { StoredAuditEvent } from "../core/ports/audit.js";
import { METHODS, type Method, ROLES, type Role } from "../core/ports/runtime.js";
import { type Locale, t } from "../words/catalogue.js";
import { roleName } from "./admin-words.js";

// An audit event in the reader's words: its name, its details, who it was about and who
// did it. Shared by the audit page, a user's recent events and the CSV export. Every
// value that picks a word is checked against its fixed set first; anything else (a row
// written by a newer version) is shown as it is stored, never dropped.

type Detail = Record<string, unknown>;

const WHY = ["unknown_user", "wrong_password", "inactive", "temporary_password_expired"] as const;
/** Send quotas (limits/send-quota.ts) and password counters (core/password-attempts.ts). */
const LIMITS = [
  "user_burst",
  "user",
  "destination",
  "ip",
  "sms_budget",
  "accountAddress",
  "account",
  "address",
  "device",
] as const;
/** The profile fields user_changed names, and the words staff pages show for them. */
const FIELDS = {
  displayName: "account.name",
  email: "account.email",
  phone: "account.phone",
  role: "account.role",
} as const;

function isOneOf<T extends string>(set: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (set as readonly string[]).includes(value);
}

function raw(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function isAuditType(type: string): type is AuditType {
  return isOneOf(AUDIT_TYPES, type);
}

/** "Second factor locked" for second_factor_locked; an unknown type as stored. */
export function auditEventName(locale: Locale, type: string): string {
  return isAuditType(type) ? t(locale, `audit.event.${type}`) : type;
}

function methodName(locale: Locale, value: unknown): string {
  if (value === "recovery") return t(locale, "amr.rc");
  return isOneOf<Method>(METHODS, value) ? t(locale, `method.${value}`) : raw(value);
}

function roleWord(locale: Locale, value: unknown): string {
  return isOneOf<Role>(ROLES, value) ? roleName(locale, value) : raw(value);
}

function methodList(locale: Locale, value: unknown): string {
  if (!Array.isArray(value)) return raw(value);
  if (value.length === 0) return t(locale, "audit.detail.no_methods");
  return value.map((m) => methodName(locale, m)).join(", ");
}

function fromTo(value: unknown): { from: unknown; to: unknown } | undefined {
  return value !== null && typeof value === "object" && "from" in value && "to" in value
    ? (value as { from: unknown; to: unknown })
    : undefined;
}

/** One detail in words, or undefined when the key is not one we know. */
function part(locale: Locale, key: string, value: unknown): string | undefined {
  switch (key) {
    case "method":
      return t(locale, "audit.detail.method", { method: methodName(locale, value) });
    case "step":
      return value === "password" ? t(locale, "audit.detail.step_password") : undefined;
    case "why":
      return isOneOf(WHY, value)
        ? t(locale, "audit.detail.reason", { reason: t(locale, `audit.detail.why.${value}`) })
        : undefined;
    case "failed":
      return typeof value === "number"
        ? t(locale, "audit.detail.failed", { count: value })
        : undefined;
    case "reused":
      return value === true ? t(locale, "audit.detail.reused") : undefined;
    case "limit":
      return isOneOf(LIMITS, value)
        ? t(locale, "audit.detail.limit", { limit: t(locale, `audit.detail.limit.${value}`) })
        : undefined;
    case "limits":
      return Array.isArray(value)
        ? t(locale, "audit.detail.limits", {
            limits: value
              .map((l) => (isOneOf(LIMITS, l) ? t(locale, `audit.detail.limit.${l}`) : raw(l)))
              .join(", "),
          })
        : undefined;
    case "block":
      return typeof value === "number"
        ? t(locale, "audit.detail.block", { number: String(value) })
        : undefined;
    case "minutes":
      return typeof value === "number"
        ? t(locale, "audit.detail.minutes", { count: value })
        : undefined;
    case "permanent":
      return value === true ? t(locale, "audit.detail.permanent") : undefined;
    case "lock":
      return value === "permanent" || value === "temporary"
        ? t(locale, `audit.detail.lock.${value}`)
        : undefined;
    case "channel":
      return t(locale, "audit.detail.channel", { channel: methodName(locale, value) });
    case "attempt":
      return typeof value === "number"
        ? t(locale, "audit.detail.attempt", { number: String(value) })
        : undefined;
    case "email":
    case "phone": {
      const change = fromTo(value);
      const text = (v: unknown): string =>
        typeof v === "string" && v !== "" ? v : t(locale, "audit.detail.empty");
      return change
        ? t(locale, `audit.detail.${key}`, { from: text(change.from), to: text(change.to) })
        : undefined;
    }
    case "retryAfterMs":
      return typeof value === "number"
        ? t(locale, "audit.detail.retry_after", { count: Math.ceil(value / 1000) })
        : undefined;
    case "error":
      return t(locale, "audit.detail.error", { error: raw(value) });
    case "refunded":
      return t(locale, value === true ? "audit.detail.refunded" : "audit.detail.not_refunded");
    case "notice":
      return t(locale, "audit.detail.notice", { notice: auditEventName(locale, raw(value)) });
    case "via":
      return value === "cli" || value === "web" || value === "setup" || value === "account"
        ? t(locale, `audit.detail.via_${value}`)
        : undefined;
    // Issue 11: the account page and temporary passwords.
    case "sessionsEnded":
      return typeof value === "number"
        ? t(locale, "audit.detail.sessions_ended", { count: value })
        : undefined;
    case "generated":
      return t(locale, value === true ? "audit.detail.generated" : "audit.detail.typed");
    case "validHours":
      return typeof value === "number"
        ? t(locale, "audit.detail.valid_hours", { count: value })
        : undefined;
    case "mustChange":
      return t(locale, value === true ? "audit.detail.must_change" : "audit.detail.may_keep");
    // Issue 11
    case "left":
    case "count":
    case "days":
      return typeof value === "number"
        ? t(locale, `audit.detail.${key}`, { count: value })
        : undefined;
    case "clockOffsetSeconds":
      return typeof value === "number" ? clockOffsetText(locale, value) : undefined;
    case "rememberedDevice":
      return value === true ? t(locale, "audit.detail.remembered_device") : undefined;
    case "recoveryCode":
      return value === true ? t(locale, "audit.detail.recovery_code") : undefined;
    case "rememberDays": {
      const change = fromTo(value);
      return change
        ? t(locale, "audit.detail.remember_days", { from: raw(change.from), to: raw(change.to) })
        : undefined;
    }
    case "role": {
      const change = fromTo(value);
      return change
        ? t(locale, "audit.detail.role_changed", {
            from: roleWord(locale, change.from),
            to: roleWord(locale, change.to),
          })
        : t(locale, "audit.detail.role", { role: roleWord(locale, value) });
    }
    case "changed":
      return Array.isArray(value)
        ? t(locale, "audit.detail.changed", {
            fields: value
              .map((f) =>
                isOneOf(Object.keys(FIELDS), f)
                  ? t(locale, FIELDS[f as keyof typeof FIELDS])
                  : raw(f),
              )
              .join(", "),
          })
        : undefined;
    case "active":
      return t(locale, value === true ? "audit.detail.reactivated" : "audit.detail.deactivated");
    case "host":
      return t(locale, "audit.detail.host", { host: raw(value) });
    case "roles": {
      // An access rule's roles before and after (null: no rule for the host).
      const change = fromTo(value);
      const roles = (list: unknown): string =>
        list === null
          ? t(locale, "audit.detail.no_rule")
          : Array.isArray(list)
            ? list.map((r) => roleWord(locale, r)).join(", ")
            : raw(list);
      return change
        ? t(locale, "audit.detail.roles", { from: roles(change.from), to: roles(change.to) })
        : undefined;
    }
    case "methods": {
      const change = fromTo(value);
      return change
        ? t(locale, "audit.detail.methods", {
            from: methodList(locale, change.from),
            to: methodList(locale, change.to),
          })
        : undefined;
    }
    default: {
      // attempts.ts records `${factor}KeyUnreadable` when a factor's key could not be read.
      const factor = /^(\w+)KeyUnreadable$/.exec(key)?.[1];
      return factor && value === true
        ? t(locale, "audit.detail.key_unreadable", { method: methodName(locale, factor) })
        : undefined;
    }
  }
}

/** "Phone clock about 5 minutes ahead": a refused code's offset (issue 11). */
export function clockOffsetText(locale: Locale, offsetSeconds: number): string {
  const count = Math.max(1, Math.round(Math.abs(offsetSeconds) / 60));
  return t(locale, offsetSeconds > 0 ? "audit.detail.clock_ahead" : "audit.detail.clock_behind", {
    count,
  });
}

/** An event's details as one line of the catalogue's words ("Method: SMS; Reason: …"). */
export function describeAuditDetail(locale: Locale, detail: Detail): string {
  return Object.entries(detail)
    .map(
      ([key, value]) =>
        part(locale, key, value) ??
        t(locale, "audit.detail.other", { name: key, value: raw(value) }),
    )
    .join("; ");
}

/**
 * Whom an event was about, by username: the one written on the row, else the user's
 * present name (rows written before every event named its user), else the id.
 */
export function auditSubject(e: StoredAuditEvent, names: ReadonlyMap<string, string>): string {
  if (e.username) return e.username;
  if (!e.userId) return "";
  return names.get(e.userId) ?? e.userId;
}

/** Who did it: the user themself, a staff member by name, or the command line. */
export function auditActor(
  locale: Locale,
  e: StoredAuditEvent,
  names: ReadonlyMap<string, string>,
): string {
  if (e.actorId) {
    return e.actorId === e.userId
      ? t(locale, "audit.by_self")
      : (names.get(e.actorId) ?? e.actorId);
  }
  return e.detail.via === "cli" ? t(locale, "audit.by_cli") : "";
}
