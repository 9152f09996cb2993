import type { StoredAuditEvent } from "../core/ports/audit.js";
import type { RemovedAuthenticator } from "../core/ports/authenticators.js";
import type { Amr, Session } from "../core/ports/sessions.js";
import type { User } from "../core/ports/users.js";
import type { LockView } from "../core/supervision.js";
import type { FormErrors } from "../core/user-admin.js";
import { type Locale, t } from "../words/catalogue.js";
import { type Html, html } from "../words/html.js";
import { fieldErrorText, type PasswordDetail, roleName, staffTime } from "./admin-words.js";
import { csrfField, layout, messages, type PageContext } from "./pages.js";
import { auditTable } from "./pages-admin.js";
import { devicesSection, type RecoveryView, recoveryFacts } from "./pages-devices.js";

export type StaffContext = PageContext & { user: User };

/** A user as the users page lists them: the account, whether the app is set up, locked. */
export interface UserRow extends User {
  appSetUp: boolean;
  locked: boolean;
  /** False: listed by name and role only, no link (a supervisor's view of staff). */
  mayOpen?: boolean;
}

export function usersPage(
  ctx: StaffContext,
  opts: {
    rows: UserRow[];
    total: number;
    q: string;
    next?: string | undefined;
    /** The first username shown, when there are users before it. */
    previous?: string | undefined;
    /** Not the first page: offer a link back to it. */
    first?: boolean;
    canAdd: boolean;
  },
): Html {
  const nextHref = opts.next
    ? `/users?${new URLSearchParams({ q: opts.q, after: opts.next }).toString()}`
    : "";
  const previousHref = opts.previous
    ? `/users?${new URLSearchParams({ q: opts.q, before: opts.previous }).toString()}`
    : "";
  const firstHref = opts.first ? `/users?${new URLSearchParams({ q: opts.q }).toString()}` : "";
  const { locale } = ctx;
  const w = accountWords(locale);
  return layout(
    ctx,
    t(locale, "users.title"),
    html`<h1>${t(locale, "users.title")}</h1>
<form method="get" action="/users" role="search">
<label for="q">${t(locale, "users.search_label")}</label>
<input type="search" id="q" name="q" value="${opts.q}" maxlength="254" autocomplete="off">
<button type="submit">${t(locale, "users.search")}</button>
</form>
${opts.canAdd ? html`<p><a href="/users/new">${t(locale, "users.add")}</a></p>` : ""}
<p>${t(locale, opts.q ? "users.count_matching" : "users.count", { count: opts.total })}</p>
<table>
<thead><tr><th>${t(locale, "account.username")}</th><th>${t(locale, "account.name")}</th><th>${t(locale, "account.role")}</th><th>${t(locale, "account.app_set_up")}</th><th>${t(locale, "account.second_factor_locked")}</th><th>${t(locale, "account.last_sign_in")}</th><th>${t(locale, "account.status")}</th></tr></thead>
<tbody>
${opts.rows.map((u) =>
  u.mayOpen === false
    ? html`<tr>
<td>${u.username}</td><td>${u.displayName ?? ""}</td><td>${roleName(locale, u.role)}</td>
<td>—</td><td>—</td><td>—</td><td>—</td>
</tr>`
    : html`<tr>
<td><a href="/users/${u.id}">${u.username}</a></td><td>${u.displayName ?? ""}</td><td>${roleName(locale, u.role)}</td>
<td>${w.yesNo(u.appSetUp)}</td><td>${w.locked(u.locked)}</td><td>${staffTime(locale, u.lastSignInAt)}</td><td>${w.status(u.active)}</td>
</tr>`,
)}
</tbody>
</table>
${
  firstHref || previousHref || nextHref
    ? html`<p>${firstHref ? html`<a href="${firstHref}">${t(locale, "users.first_page")}</a> ` : ""}${previousHref ? html`<a href="${previousHref}" rel="prev">${t(locale, "users.previous_page")}</a> ` : ""}${nextHref ? html`<a href="${nextHref}" rel="next">${t(locale, "users.next_page")}</a>` : ""}</p>`
    : ""
}
<p><a href="/">${t(locale, "nav.home")}</a></p>`,
    true,
  );
}

export interface UserSettingsView {
  target: User;
  appSetUp: boolean;
  /** The second factor's lock: until when, or until someone unlocks it (issue 14). */
  lock: LockView;
  /** Authenticators Force New Password removed: when added, when removed, by whom. */
  removedApps: RemovedAuthenticator[];
  events: StoredAuditEvent[];
  /** The user's live sessions: when each began, when and how the user last proved who they are. */
  sessions: Session[];
  actorNames: Map<string, string>;
  mayAct: boolean;
  canEdit: boolean;
  notice?: string;
  form?: { values: Record<string, string>; errors: FormErrors };
  /** Issue 11: recovery codes left, remembered devices, the phone's clock. */
  recovery?: RecoveryView;
  /** Issue 11: why a typed temporary password was refused. */
  temporaryError?: string;
  /** How long a temporary password works, in hours. */
  temporaryHours: number;
}

export function userSettingsPage(ctx: StaffContext, v: UserSettingsView): Html {
  const { target } = v;
  const { locale } = ctx;
  const w = accountWords(locale);
  return layout(
    ctx,
    t(locale, "user.title", { username: target.username }),
    html`<h1>${t(locale, "user.title", { username: target.username })}</h1>
${messages(v.notice, v.form ? t(locale, "user.not_saved") : undefined)}
${factsTable(locale, [
  [t(locale, "account.username"), target.username],
  [t(locale, "account.name"), target.displayName ?? "—"],
  [t(locale, "account.email"), target.email ?? "—"],
  [t(locale, "account.phone"), target.phone ?? "—"],
  [t(locale, "account.role"), roleName(locale, target.role)],
  [t(locale, "account.status"), w.status(target.active)],
  [t(locale, "account.app_set_up"), w.yesNo(v.appSetUp)],
  [t(locale, "account.second_factor_locked"), lockText(locale, v.lock)],
  [t(locale, "account.must_change_password"), w.yesNo(target.mustChangePassword)],
  [t(locale, "account.last_sign_in"), staffTime(locale, target.lastSignInAt)],
  ...(v.recovery ? recoveryFacts(ctx, v.recovery) : []),
])}
${
  v.mayAct
    ? html`<h2>${t(locale, "user.lost_access")}</h2>
<p>${t(locale, "user.force_explain", { username: target.username })}</p>
<form method="get" action="/users/${target.id}/force-new-password"><button type="submit" class="danger">${t(locale, "user.force")}</button></form>`
    : html`<p class="hint">${t(locale, ctx.user.id === target.id ? "user.cannot_change_own" : "user.cannot_change")}</p>`
}
${v.mayAct ? temporaryPasswordForms(ctx, target, v) : ""}
${v.mayAct && v.lock.locked ? unlockForm(ctx, target) : ""}
${v.canEdit ? editForm(ctx, v) : ""}
<h2>${t(locale, "user.sessions")}</h2>
${sessionsTable(locale, v.sessions)}
${
  v.recovery
    ? devicesSection(
        ctx,
        v.recovery.devices,
        v.mayAct ? (d) => `/users/${target.id}/devices/${d.id}/forget` : undefined,
      )
    : ""
}
${v.removedApps.length > 0 ? removedAppsTable(locale, v.removedApps, v.actorNames) : ""}
<h2>${t(locale, "user.recent_events")}</h2>
${auditTable(locale, v.events, false, v.actorNames, t(locale, "user.recent_events"))}
<p><a href="/users">${t(locale, "nav.all_users")}</a></p>`,
    true,
  );
}

/**
 * A user's facts as a two-column table, one row each (a row header, then the value), so
 * they line up and read as pairs with a screen reader; further facts are further rows.
 */
export function factsTable(
  locale: Locale,
  rows: readonly (readonly [string, string])[],
  caption: string = t(locale, "user.facts"),
): Html {
  return html`<table class="facts">
<caption>${caption}</caption>
<tbody>
${rows.map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`)}
</tbody>
</table>`;
}

/** "Locked until …" (a block) or "Locked until unlocked" (the cap), or "No". */
function lockText(locale: Locale, lock: LockView): string {
  if (!lock.locked) return t(locale, "common.no");
  if (lock.until === "unlock") return t(locale, "account.locked_for_good");
  return t(locale, "account.locked_until", { time: staffTime(locale, lock.until) });
}

/** A supervisor's unlock of a locked second factor (audited; fresh proof first). */
function unlockForm(ctx: StaffContext, target: User): Html {
  const { locale } = ctx;
  return html`<h2>${t(locale, "user.unlock_heading")}</h2>
<p>${t(locale, "user.unlock_explain", { username: target.username })}</p>
<form method="post" action="/users/${target.id}/unlock">
${csrfField(ctx)}
<button type="submit">${t(locale, "user.unlock")}</button>
</form>`;
}

/** Which key was in use when: the authenticators Force New Password removed. */
function removedAppsTable(
  locale: Locale,
  removed: RemovedAuthenticator[],
  actorNames: Map<string, string>,
): Html {
  const zone = { zone: "UTC" };
  return html`<h2>${t(locale, "user.removed_apps")}</h2>
<div class="scroll-x">
<table>
<thead><tr><th>${t(locale, "user.removed_apps.column.added", zone)}</th><th>${t(locale, "user.removed_apps.column.removed", zone)}</th><th>${t(locale, "user.removed_apps.column.by")}</th></tr></thead>
<tbody>
${removed.map(
  (r) =>
    html`<tr><td>${staffTime(locale, r.confirmedAt ?? r.createdAt)}</td><td>${staffTime(locale, r.removedAt)}</td><td>${r.removedBy ? (actorNames.get(r.removedBy) ?? r.removedBy) : t(locale, "user.removed_apps.cli")}</td></tr>`,
)}
</tbody>
</table>
</div>`;
}

/** Yes/No and an account's states, as both staff pages show them. */
function accountWords(locale: Locale) {
  return {
    yesNo: (yes: boolean) => t(locale, yes ? "common.yes" : "common.no"),
    locked: (locked: boolean) => t(locale, locked ? "account.locked" : "common.no"),
    status: (active: boolean) => t(locale, active ? "account.active" : "account.deactivated"),
  };
}

function fieldError(
  locale: Locale,
  errors: FormErrors | undefined,
  field: keyof FormErrors,
  detail?: PasswordDetail,
): Html {
  const code = errors?.[field];
  return code
    ? html`<p class="error" id="${field}-error">${fieldErrorText(locale, code, detail)}</p>`
    : html``;
}

/** Display name, email, phone and role; shared by the add and edit forms. */
export function profileFields(
  locale: Locale,
  values: Record<string, string>,
  errors: FormErrors | undefined,
): Html {
  const role = values.role ?? "user";
  return html`<label for="displayName">${t(locale, "profile.display_name")}</label>
<input type="text" id="displayName" name="displayName" maxlength="100" value="${values.displayName ?? ""}">
${fieldError(locale, errors, "displayName")}
<label for="email">${t(locale, "profile.email")}</label>
<input type="email" id="email" name="email" maxlength="254" value="${values.email ?? ""}">
${fieldError(locale, errors, "email")}
<label for="phone">${t(locale, "profile.phone")}</label>
<input type="tel" id="phone" name="phone" maxlength="32" value="${values.phone ?? ""}">
${fieldError(locale, errors, "phone")}
<label for="role">${t(locale, "profile.role")}</label>
<select id="role" name="role">
<option value="user"${role === "user" ? html` selected` : ""}>${roleName(locale, "user")}</option>
<option value="supervisor"${role === "supervisor" ? html` selected` : ""}>${roleName(locale, "supervisor")}</option>
</select>
${fieldError(locale, errors, "role")}`;
}

function editForm(ctx: StaffContext, v: UserSettingsView): Html {
  const { target } = v;
  const { locale } = ctx;
  const values = v.form?.values ?? {
    displayName: target.displayName ?? "",
    email: target.email ?? "",
    phone: target.phone ?? "",
    role: target.role,
  };
  return html`<h2>${t(locale, "user.edit")}</h2>
<form method="post" action="/users/${target.id}/edit">
${csrfField(ctx)}
${profileFields(locale, values, v.form?.errors)}
<button type="submit">${t(locale, "common.save")}</button>
</form>
<h2>${t(locale, "user.access")}</h2>
<form method="post" action="/users/${target.id}/${target.active ? "deactivate" : "reactivate"}">
${csrfField(ctx)}
<p>${t(locale, target.active ? "user.deactivate_explain" : "user.inactive_explain")}</p>
<button type="submit"${target.active ? html` class="danger"` : ""}>${t(locale, target.active ? "user.deactivate" : "user.reactivate")}</button>
</form>`;
}

/** Issue 11: a temporary password, generated (shown once) or typed by the staff member. */
function temporaryPasswordForms(ctx: StaffContext, target: User, v: UserSettingsView): Html {
  const { locale } = ctx;
  const action = `/users/${target.id}/temporary-password`;
  return html`<h2 id="temporary-password">${t(locale, "temp_password.heading")}</h2>
<p>${t(locale, "temp_password.explain", { username: target.username, count: v.temporaryHours })}</p>
${messages(undefined, v.temporaryError)}
<form method="post" action="${action}">
${csrfField(ctx)}<input type="hidden" name="generate" value="1">
<button type="submit">${t(locale, "temp_password.generate")}</button>
</form>
<form method="post" action="${action}">
${csrfField(ctx)}
<fieldset>
<legend>${t(locale, "temp_password.or_type")}</legend>
<label for="temporary-password-field">${t(locale, "temp_password.label")}</label>
<input type="password" id="temporary-password-field" name="password" autocomplete="new-password" maxlength="128" required>
<button type="submit">${t(locale, "temp_password.set")}</button>
</fieldset>
</form>`;
}

/** The generated temporary password, shown this once to the staff member. */
export function temporaryPasswordShownPage(
  ctx: StaffContext,
  target: User,
  password: string,
  expiresAt: number,
): Html {
  const { locale } = ctx;
  const title = t(locale, "temp_password.shown_title", { username: target.username });
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
<p>${t(locale, "temp_password.shown_intro", { username: target.username, time: staffTime(locale, expiresAt) })}</p>
<p><code class="key" id="temporary-password">${password}</code></p>
<p><a href="/users/${target.id}">${t(locale, "force.cancel")}</a></p>`,
  );
}

export function confirmForcePage(ctx: StaffContext, target: User): Html {
  const { locale } = ctx;
  const name = target.displayName
    ? t(locale, "force.name", { displayName: target.displayName, username: target.username })
    : target.username;
  return layout(
    ctx,
    t(locale, "force.title"),
    html`<h1>${t(locale, "force.heading", { name })}</h1>
<p>${t(locale, "force.explain", { name })}</p>
<form method="post" action="/users/${target.id}/force-new-password">
${csrfField(ctx)}
<button type="submit" class="danger">${t(locale, "force.submit")}</button>
</form>
<p><a href="/users/${target.id}">${t(locale, "force.cancel")}</a></p>`,
  );
}

export function addUserPage(
  ctx: StaffContext,
  opts: { values: Record<string, string>; errors?: FormErrors; password?: PasswordDetail },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "add_user.title"),
    html`<h1>${t(locale, "add_user.title")}</h1>
${messages(undefined, opts.errors ? t(locale, "add_user.not_added") : undefined)}
<form method="post" action="/users/new">
${csrfField(ctx)}
<label for="username">${t(locale, "add_user.username")}</label>
<input type="text" id="username" name="username" maxlength="64" autocapitalize="none" spellcheck="false" required value="${opts.values.username ?? ""}">
${fieldError(locale, opts.errors, "username")}
${profileFields(locale, opts.values, opts.errors)}
<label for="password">${t(locale, "add_user.password")}</label>
<input type="password" id="password" name="password" autocomplete="new-password" maxlength="128" required aria-describedby="password-hint">
<p class="hint" id="password-hint">${t(locale, "add_user.password_hint")}</p>
${fieldError(locale, opts.errors, "password", opts.password)}
<button type="submit">${t(locale, "common.save")}</button>
</form>
<p><a href="/users">${t(locale, "nav.all_users")}</a></p>`,
  );
}

/** A user's sessions: when each began, when and how the user last proved who they are. */
function sessionsTable(locale: Locale, sessions: Session[]): Html {
  if (sessions.length === 0) return html`<p>${t(locale, "user.no_sessions")}</p>`;
  const zone = { zone: "UTC" };
  return html`<table>
<thead><tr><th>${t(locale, "sessions.column.started", zone)}</th><th>${t(locale, "sessions.column.proved", zone)}</th><th>${t(locale, "sessions.column.how")}</th><th>${t(locale, "sessions.column.ends", zone)}</th></tr></thead>
<tbody>
${sessions.map(
  (s) =>
    html`<tr><td>${staffTime(locale, s.createdAt)}</td><td>${staffTime(locale, s.authTime)}</td><td>${s.amr.map((m: Amr) => t(locale, `amr.${m}`)).join(" + ")}</td><td>${staffTime(locale, s.expiresAt)}</td></tr>`,
)}
</tbody>
</table>`;
}
