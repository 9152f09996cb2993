import type { StoredAuditEvent } from "../core/ports/audit.js";
import { METHODS, type Method } from "../core/ports/runtime.js";
import { type Locale, t } from "../words/catalogue.js";
import { type Html, html } from "../words/html.js";
import { staffTime } from "./admin-words.js";
import { auditActor, auditEventName, auditSubject, describeAuditDetail } from "./audit-words.js";
import { csrfField, layout, messages, type PageContext } from "./pages.js";
import type { StaffContext } from "./pages-users.js";

export function settingsPage(
  ctx: StaffContext,
  opts: {
    methods: Method[];
    notice?: string | undefined;
    error?: string;
    /** Issue 11: days a device is remembered (0: off), and why a value was refused. */
    rememberDays: number;
    rememberError?: string;
  },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "settings.title"),
    html`<h1>${t(locale, "settings.title")}</h1>
${messages(opts.notice, opts.error ? t(locale, "settings.not_saved", { problem: opts.error }) : undefined)}
<h2>${t(locale, "settings.methods")}</h2>
<form method="post" action="/settings">
${csrfField(ctx)}
<fieldset>
<legend>${t(locale, "settings.methods_legend")}</legend>
${METHODS.map(
  (m) =>
    html`<p><input type="checkbox" id="method-${m}" name="methods" value="${m}"${
      opts.methods.includes(m) ? html` checked` : ""
    }> <label for="method-${m}" class="inline">${t(locale, `method.${m}`)}</label></p>`,
)}
</fieldset>
<p class="hint">${t(locale, "settings.methods_strength")}</p>
<p class="hint">${t(locale, "settings.email_not_nist")}</p>
<p class="hint">${t(locale, "settings.methods_turning_off")}</p>
<button type="submit">${t(locale, "common.save")}</button>
</form>
<h2>${t(locale, "settings.remember")}</h2>
<form method="post" action="/settings/remember">
${csrfField(ctx)}
${opts.rememberError ? html`<p class="error" role="alert" id="remember-error">${opts.rememberError}</p>` : ""}
<label for="remember-days">${t(locale, "settings.remember_days")}</label>
<input type="number" id="remember-days" name="days" min="0" max="365" step="1" required value="${String(opts.rememberDays)}" aria-describedby="remember-hint${opts.rememberError ? " remember-error" : ""}">
<p class="hint" id="remember-hint">${t(locale, "settings.remember_hint")}</p>
<button type="submit">${t(locale, "settings.remember_save")}</button>
</form>
<p><a href="/">${t(locale, "nav.home")}</a></p>`,
  );
}

/**
 * Who/whom/what, in the catalogue's words; detail values are already free of secrets
 * (core/audit.ts). `names`: usernames by id, for actors and for rows that name no user.
 */
export function auditTable(
  locale: Locale,
  events: StoredAuditEvent[],
  withUser: boolean,
  names: Map<string, string> = new Map(),
  /** What the table is, for the scrolling region's name. */
  label: string = t(locale, "audit.title"),
): Html {
  if (events.length === 0) return html`<p>${t(locale, "audit.none")}</p>`;
  // A wide table scrolls inside the page, not the page on a phone (.scroll-x); the
  // region takes the keyboard focus, so it can be scrolled without a pointer (WCAG 2.1.1).
  return html`<div class="scroll-x" tabindex="0" role="region" aria-label="${label}"><table class="audit">
<thead><tr><th>${t(locale, "audit.column.time", { zone: "UTC" })}</th><th>${t(locale, "audit.column.event")}</th>${withUser ? html`<th>${t(locale, "audit.column.user")}</th>` : ""}<th>${t(locale, "audit.column.by")}</th><th>${t(locale, "audit.column.address")}</th><th>${t(locale, "audit.column.detail")}</th></tr></thead>
<tbody>
${events.map(
  (e) =>
    html`<tr><td>${staffTime(locale, e.at)}</td><td>${auditEventName(locale, e.type)}</td>${
      withUser ? html`<td>${auditSubject(e, names)}</td>` : ""
    }<td>${auditActor(locale, e, names)}</td><td>${e.ip ?? ""}</td><td>${describeAuditDetail(locale, e.detail)}</td></tr>`,
)}
</tbody>
</table></div>`;
}

/** The audit page's filters as the form shows them and its links carry them. */
export interface AuditFilterView {
  username: string;
  type: string;
  /** As typed: yyyy-mm-ddThh:mm[:ss], UTC. */
  from: string;
  to: string;
}

export function auditPage(
  ctx: StaffContext,
  opts: {
    events: StoredAuditEvent[];
    filter: AuditFilterView;
    types: readonly string[];
    next?: string;
    /** Usernames by id (actors, and users of rows written without a name). */
    names: Map<string, string>;
    /** The filter could not be read (a hand-made time): said above the form. */
    error?: string;
    /** The filters the CSV link carries (the same as the page's). */
    csvParams: Record<string, string>;
  },
): Html {
  const { locale } = ctx;
  const { filter } = opts;
  const utc = { zone: "UTC" };
  const csv = `/audit.csv?${new URLSearchParams(opts.csvParams).toString()}`.replace(/\?$/, "");
  return layout(
    ctx,
    t(locale, "audit.title"),
    html`<h1>${t(locale, "audit.title")}</h1>
${messages(undefined, opts.error)}
<form method="get" action="/audit" class="filters">
<label for="user">${t(locale, "audit.user")}</label>
<input type="text" id="user" name="user" value="${filter.username}" maxlength="64" autocapitalize="none" spellcheck="false">
<label for="type">${t(locale, "audit.type")}</label>
<select id="type" name="type">
<option value="">${t(locale, "audit.any_type")}</option>
${opts.types.map((type) => html`<option value="${type}"${type === filter.type ? html` selected` : ""}>${auditEventName(locale, type)}</option>`)}
</select>
<label for="from">${t(locale, "audit.from", utc)}</label>
<input type="datetime-local" id="from" name="from" value="${filter.from}" aria-describedby="time-hint">
<label for="to">${t(locale, "audit.to", utc)}</label>
<input type="datetime-local" id="to" name="to" value="${filter.to}" aria-describedby="time-hint">
<p class="hint" id="time-hint">${t(locale, "audit.time_hint")}</p>
<button type="submit">${t(locale, "audit.filter")}</button>
</form>
<p><a href="${csv}" download>${t(locale, "audit.export_csv")}</a></p>
${auditTable(locale, opts.events, true, opts.names)}
${opts.next ? html`<p><a href="${opts.next}" rel="next">${t(locale, "audit.older")}</a></p>` : ""}
<p><a href="/">${t(locale, "nav.home")}</a></p>`,
    true,
  );
}

export function forbiddenPage(ctx: PageContext): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "error.forbidden.title"),
    html`<h1>${t(locale, "error.forbidden.title")}</h1><p>${t(locale, "error.forbidden.text")}</p><p><a href="/">${t(locale, "nav.start_page")}</a></p>`,
  );
}

/** The home page's links for a role: none for users. */
export function staffLinks(ctx: StaffContext): Html {
  const { locale } = ctx;
  const role = ctx.user.role;
  if (role === "user") return html``;
  return html`<a href="/users">${t(locale, "nav.users")}</a>${
    role === "administrator"
      ? html`<a href="/settings">${t(locale, "nav.settings")}</a><a href="/audit">${t(locale, "nav.audit")}</a>`
      : ""
  }`;
}
