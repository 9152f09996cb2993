import type { StoredAuditEvent } from "../core/ports/audit.js";
import type { Amr, Session } from "../core/ports/sessions.js";
import type { User } from "../core/ports/users.js";
import type { FormErrors } from "../core/user-admin.js";
import { FIELD_ERRORS, ROLE_NAMES, utc } from "./admin-words.js";
import { type Html, html } from "./html.js";
import { csrfField, layout, messages, type PageContext } from "./pages.js";
import { auditTable } from "./pages-admin.js";

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
  return layout(
    ctx,
    "Users",
    html`<h1>Users</h1>
<form method="get" action="/users" role="search">
<label for="q">Search by username or email</label>
<input type="search" id="q" name="q" value="${opts.q}" maxlength="254" autocomplete="off">
<button type="submit">Search</button>
</form>
${opts.canAdd ? html`<p><a href="/users/new">Add a user</a></p>` : ""}
<p>${opts.total} ${opts.total === 1 ? "user" : "users"}${opts.q ? " match" : ""}.</p>
<table>
<thead><tr><th>Username</th><th>Name</th><th>Role</th><th>App set up</th><th>Second factor locked</th><th>Last sign-in</th><th>Status</th></tr></thead>
<tbody>
${opts.rows.map((u) =>
  u.mayOpen === false
    ? html`<tr>
<td>${u.username}</td><td>${u.displayName ?? ""}</td><td>${ROLE_NAMES[u.role]}</td>
<td>—</td><td>—</td><td>—</td><td>—</td>
</tr>`
    : html`<tr>
<td><a href="/users/${u.id}">${u.username}</a></td><td>${u.displayName ?? ""}</td><td>${ROLE_NAMES[u.role]}</td>
<td>${u.appSetUp ? "Yes" : "No"}</td><td>${u.locked ? "Locked" : "No"}</td><td>${utc(u.lastSignInAt)}</td><td>${u.active ? "Active" : "Deactivated"}</td>
</tr>`,
)}
</tbody>
</table>
${
  firstHref || previousHref || nextHref
    ? html`<p>${firstHref ? html`<a href="${firstHref}">First page</a> ` : ""}${previousHref ? html`<a href="${previousHref}" rel="prev">Previous page</a> ` : ""}${nextHref ? html`<a href="${nextHref}" rel="next">Next page</a>` : ""}</p>`
    : ""
}
<p><a href="/">Home</a></p>`,
    true,
  );
}

export interface UserSettingsView {
  target: User;
  appSetUp: boolean;
  locked: boolean;
  events: StoredAuditEvent[];
  /** The user's live sessions: when each began, when and how the user last proved who they are. */
  sessions: Session[];
  actorNames: Map<string, string>;
  mayAct: boolean;
  canEdit: boolean;
  notice?: string;
  form?: { values: Record<string, string>; errors: FormErrors };
}

export function userSettingsPage(ctx: StaffContext, v: UserSettingsView): Html {
  const t = v.target;
  return layout(
    ctx,
    `User ${t.username}`,
    html`<h1>User ${t.username}</h1>
${messages(v.notice, v.form ? "The changes were not saved: check the fields marked below." : undefined)}
<dl>
<dt>Name</dt><dd>${t.displayName ?? "—"}</dd>
<dt>Email</dt><dd>${t.email ?? "—"}</dd>
<dt>Phone</dt><dd>${t.phone ?? "—"}</dd>
<dt>Role</dt><dd>${ROLE_NAMES[t.role]}</dd>
<dt>App set up</dt><dd>${v.appSetUp ? "Yes" : "No"}</dd>
<dt>Second factor locked</dt><dd>${v.locked ? "Locked" : "No"}</dd>
<dt>Must change password</dt><dd>${t.mustChangePassword ? "Yes" : "No"}</dd>
<dt>Last sign-in</dt><dd>${utc(t.lastSignInAt)}</dd>
<dt>Status</dt><dd>${t.active ? "Active" : "Deactivated"}</dd>
</dl>
${
  v.mayAct
    ? html`<h2>Lost access to the authenticator app?</h2>
<p>Force New Password ends ${t.username}'s sessions, removes their authenticator app and makes them choose a new password and set the app up again at the next sign-in.</p>
<form method="get" action="/users/${t.id}/force-new-password"><button type="submit" class="danger">Force New Password</button></form>`
    : html`<p class="hint">You cannot change this account${ctx.user.id === t.id ? " (it is your own)" : ""}.</p>`
}
${v.canEdit ? editForm(ctx, v) : ""}
<h2>Sessions</h2>
${sessionsTable(v.sessions)}
<h2>Recent events</h2>
${auditTable(v.events, false, v.actorNames)}
<p><a href="/users">All users</a></p>`,
    true,
  );
}

function fieldError(errors: FormErrors | undefined, field: keyof FormErrors): Html {
  const code = errors?.[field];
  return code ? html`<p class="error" id="${field}-error">${FIELD_ERRORS[code]}</p>` : html``;
}

/** Display name, email, phone and role; shared by the add and edit forms. */
export function profileFields(
  values: Record<string, string>,
  errors: FormErrors | undefined,
): Html {
  const role = values.role ?? "user";
  return html`<label for="displayName">Display name</label>
<input type="text" id="displayName" name="displayName" maxlength="100" value="${values.displayName ?? ""}">
${fieldError(errors, "displayName")}
<label for="email">Email</label>
<input type="email" id="email" name="email" maxlength="254" value="${values.email ?? ""}">
${fieldError(errors, "email")}
<label for="phone">Phone (international format)</label>
<input type="tel" id="phone" name="phone" maxlength="32" value="${values.phone ?? ""}">
${fieldError(errors, "phone")}
<label for="role">Role</label>
<select id="role" name="role">
<option value="user"${role === "user" ? html` selected` : ""}>User</option>
<option value="supervisor"${role === "supervisor" ? html` selected` : ""}>Supervisor</option>
</select>
${fieldError(errors, "role")}`;
}

function editForm(ctx: StaffContext, v: UserSettingsView): Html {
  const t = v.target;
  const values = v.form?.values ?? {
    displayName: t.displayName ?? "",
    email: t.email ?? "",
    phone: t.phone ?? "",
    role: t.role,
  };
  return html`<h2>Edit</h2>
<form method="post" action="/users/${t.id}/edit">
${csrfField(ctx)}
${profileFields(values, v.form?.errors)}
<button type="submit">Save</button>
</form>
<h2>Access</h2>
<form method="post" action="/users/${t.id}/${t.active ? "deactivate" : "reactivate"}">
${csrfField(ctx)}
<p>${t.active ? "A deactivated user cannot sign in; their sessions end at once." : "This user cannot sign in."}</p>
<button type="submit"${t.active ? html` class="danger"` : ""}>${t.active ? "Deactivate" : "Reactivate"}</button>
</form>`;
}

export function confirmForcePage(ctx: StaffContext, target: User): Html {
  const name = target.displayName ? `${target.displayName} (${target.username})` : target.username;
  return layout(
    ctx,
    "Force New Password",
    html`<h1>Force New Password for ${name}?</h1>
<p>${name} will be signed out everywhere. Their authenticator app will be removed. At the next sign-in they enter their current password, choose a new one, and set up the authenticator app again with a new key.</p>
<form method="post" action="/users/${target.id}/force-new-password">
${csrfField(ctx)}
<button type="submit" class="danger">Force New Password</button>
</form>
<p><a href="/users/${target.id}">Cancel</a></p>`,
  );
}

export function addUserPage(
  ctx: StaffContext,
  opts: { values: Record<string, string>; errors?: FormErrors },
): Html {
  return layout(
    ctx,
    "Add a user",
    html`<h1>Add a user</h1>
${messages(undefined, opts.errors ? "The user was not added: check the fields marked below." : undefined)}
<form method="post" action="/users/new">
${csrfField(ctx)}
<label for="username">Username</label>
<input type="text" id="username" name="username" maxlength="64" autocapitalize="none" spellcheck="false" required value="${opts.values.username ?? ""}">
${fieldError(opts.errors, "username")}
${profileFields(opts.values, opts.errors)}
<label for="password">Temporary password</label>
<input type="password" id="password" name="password" autocomplete="new-password" maxlength="128" required aria-describedby="password-hint">
<p class="hint" id="password-hint">Give it to the user in person; they must choose their own at the first sign-in.</p>
${fieldError(opts.errors, "password")}
<button type="submit">Save</button>
</form>
<p><a href="/users">All users</a></p>`,
  );
}

const AMR_NAMES: Record<Amr, string> = {
  pwd: "Password",
  otp: "Authenticator app",
  sms: "SMS code",
  email: "Email code",
};

/** A user's sessions: when each began, when and how the user last proved who they are. */
function sessionsTable(sessions: Session[]): Html {
  if (sessions.length === 0) return html`<p>No active sessions.</p>`;
  return html`<table>
<thead><tr><th>Started (UTC)</th><th>Proved (UTC)</th><th>How</th><th>Ends (UTC)</th></tr></thead>
<tbody>
${sessions.map(
  (s) =>
    html`<tr><td>${utc(s.createdAt)}</td><td>${utc(s.authTime)}</td><td>${s.amr.map((m) => AMR_NAMES[m]).join(" + ")}</td><td>${utc(s.expiresAt)}</td></tr>`,
)}
</tbody>
</table>`;
}
