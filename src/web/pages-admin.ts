import type { StoredAuditEvent } from "../core/ports/audit.js";
import type { Method } from "../core/ports/runtime.js";
import { utc } from "./admin-words.js";
import { type Html, html } from "./html.js";
import { csrfField, layout, messages, type PageContext } from "./pages.js";
import type { StaffContext } from "./pages-users.js";

const METHOD_LABELS: Record<Method, string> = {
  app: "Authenticator app",
  sms: "SMS",
  email: "Email",
};

export function settingsPage(
  ctx: StaffContext,
  opts: { methods: Method[]; notice?: string; error?: string },
): Html {
  return layout(
    ctx,
    "Settings",
    html`<h1>Settings</h1>
${messages(opts.notice, opts.error ? `Not saved: ${opts.error}.` : undefined)}
<h2>Second-factor methods</h2>
<form method="post" action="/settings">
${csrfField(ctx)}
<fieldset>
<legend>Methods users may use after their password</legend>
${(Object.keys(METHOD_LABELS) as Method[]).map(
  (m) =>
    html`<p><input type="checkbox" id="method-${m}" name="methods" value="${m}"${
      opts.methods.includes(m) ? html` checked` : ""
    }> <label for="method-${m}" class="inline">${METHOD_LABELS[m]}</label></p>`,
)}
</fieldset>
<p class="hint">SMS and email codes are weaker than the authenticator app: NIST SP 800-63B treats codes sent over the phone network as restricted (numbers can be moved to another SIM or intercepted), and a code by email is only as safe as the mailbox. Prefer the app; enable SMS or email as a fallback.</p>
<p class="hint">Turning a method off takes effect at each user's next sign-in; signed-in users stay signed in. Users who relied on it are offered the methods still enabled: with the app off, they get codes by SMS or email instead (their app stays on record and works again if the app is turned back on); with SMS or email off, users without the app or the other contact detail cannot finish signing in until an administrator adds one, or the app is enabled and they set it up. With no method enabled, users sign in with the password alone.</p>
<button type="submit">Save</button>
</form>
<p><a href="/">Home</a></p>`,
  );
}

/** Who/whom/what; detail values are already free of secrets (core/audit.ts). */
export function auditTable(
  events: StoredAuditEvent[],
  withUser: boolean,
  actorNames: Map<string, string> = new Map(),
): Html {
  if (events.length === 0) return html`<p>No events.</p>`;
  return html`<table>
<thead><tr><th>Time (UTC)</th><th>Event</th>${withUser ? html`<th>User</th>` : ""}<th>By</th><th>Address</th><th>Detail</th></tr></thead>
<tbody>
${events.map(
  (e) =>
    html`<tr><td>${utc(e.at)}</td><td>${e.type}</td>${
      withUser ? html`<td>${e.username ?? e.userId ?? ""}</td>` : ""
    }<td>${e.actorId ? (e.actorId === e.userId ? "self" : (actorNames.get(e.actorId) ?? e.actorId)) : ""}</td><td>${e.ip ?? ""}</td><td>${describeDetail(e.detail)}</td></tr>`,
)}
</tbody>
</table>`;
}

function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

export function auditPage(
  ctx: StaffContext,
  opts: {
    events: StoredAuditEvent[];
    username: string;
    type: string;
    types: readonly string[];
    next?: string;
    actorNames: Map<string, string>;
  },
): Html {
  return layout(
    ctx,
    "Audit log",
    html`<h1>Audit log</h1>
<form method="get" action="/audit">
<label for="user">User</label>
<input type="text" id="user" name="user" value="${opts.username}" maxlength="64" autocapitalize="none" spellcheck="false">
<label for="type">Event type</label>
<select id="type" name="type">
<option value="">Any</option>
${opts.types.map((t) => html`<option value="${t}"${t === opts.type ? html` selected` : ""}>${t}</option>`)}
</select>
<button type="submit">Filter</button>
</form>
${auditTable(opts.events, true, opts.actorNames)}
${opts.next ? html`<p><a href="${opts.next}" rel="next">Older events</a></p>` : ""}
<p><a href="/">Home</a></p>`,
    true,
  );
}

export function forbiddenPage(ctx: PageContext): Html {
  return layout(
    ctx,
    "Not allowed",
    html`<h1>Not allowed</h1><p>Your account cannot open this page.</p><p><a href="/">Go to the start page</a></p>`,
  );
}

/** The home page's links for a role: none for users. */
export function staffLinks(ctx: StaffContext): Html {
  const role = ctx.user.role;
  if (role === "user") return html``;
  return html`<a href="/users">Users</a>${
    role === "administrator"
      ? html`<a href="/settings">Settings</a><a href="/audit">Audit log</a>`
      : ""
  }`;
}
