import type { StoredAuditEvent } from "../core/ports/audit.js";
import type { Session } from "../core/ports/sessions.js";
import { maskEmail } from "../delivery/mask.js";
import { maskPhone } from "../delivery/phone.js";
import { type Locale, t } from "../words/catalogue.js";
import { type Html, html } from "../words/html.js";
import { staffTime } from "./admin-words.js";
import { csrfField, layout, messages, type PageContext } from "./pages.js";
import { auditTable } from "./pages-admin.js";
import { factsTable } from "./pages-users.js";
import { nameBrowser } from "./user-agent.js";

// The account page (issue 11): a list of sections, each a heading and its body, so
// further sections (recovery codes, remembered devices, language) are one more entry in
// the list routes/account.ts builds, not an edit of this page.

export interface AccountSection {
  /** The section's id attribute (a link target: /account#sessions). */
  id: string;
  heading: string;
  body: Html;
}

export function accountPage(
  ctx: PageContext,
  opts: { sections: readonly AccountSection[]; notice?: string; error?: string },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "account_page.title"),
    html`<h1>${t(locale, "account_page.title")}</h1>
${messages(opts.notice, opts.error)}
${opts.sections.map(
  (s) => html`<section id="${s.id}" aria-labelledby="${s.id}-heading">
<h2 id="${s.id}-heading">${s.heading}</h2>
${s.body}
</section>
`,
)}<p><a href="/">${t(locale, "nav.home")}</a></p>`,
    true,
  );
}

/** How the user signs in: the app (when set up), email and phone masked; the changes. */
export function methodsBody(
  ctx: PageContext,
  v: {
    appConfirmedAt: number | null;
    appEnabled: boolean;
    email: string | null;
    phone: string | null;
  },
): Html {
  const { locale } = ctx;
  const app =
    v.appConfirmedAt === null
      ? t(locale, "account_page.app_none")
      : t(locale, "account_page.app_since", { time: staffTime(locale, v.appConfirmedAt) });
  return html`${factsTable(
    locale,
    [
      [t(locale, "account_page.app"), app],
      [t(locale, "account.email"), v.email ? maskEmail(v.email) : "—"],
      [t(locale, "account.phone"), v.phone ? maskPhone(v.phone) : "—"],
    ],
    t(locale, "account_page.methods"),
  )}
${
  v.appEnabled && v.appConfirmedAt !== null
    ? html`<p class="hint">${t(locale, "account_page.replace_explain")}</p>
<form method="get" action="/account/app"><button type="submit">${t(locale, "account_page.replace_app")}</button></form>`
    : ""
}`;
}

export function passwordBody(ctx: PageContext): Html {
  const { locale } = ctx;
  return html`<p class="hint">${t(locale, "account_page.password_explain")}</p>
<form method="get" action="/account/password"><button type="submit">${t(locale, "account_page.change_password")}</button></form>`;
}

/** The user's live sessions: when and where each began, when last used; Sign out others. */
export function sessionsBody(
  ctx: PageContext,
  v: { sessions: readonly Session[]; currentIdHash: string },
): Html {
  const { locale } = ctx;
  const zone = { zone: "UTC" };
  const others = v.sessions.some((s) => s.idHash !== v.currentIdHash);
  return html`<div class="scroll-x" tabindex="0" role="region" aria-label="${t(locale, "account_page.sessions")}"><table>
<thead><tr><th>${t(locale, "sessions.column.started", zone)}</th><th>${t(locale, "account_page.column.where")}</th><th>${t(locale, "account_page.column.last_used", zone)}</th></tr></thead>
<tbody>
${v.sessions.map(
  (s) =>
    html`<tr><td>${staffTime(locale, s.createdAt)}</td><td>${where(locale, s)}${
      s.idHash === v.currentIdHash
        ? html` <strong>(${t(locale, "account_page.this_session")})</strong>`
        : ""
    }</td><td>${staffTime(locale, s.lastSeenAt)}</td></tr>`,
)}
</tbody>
</table></div>
${
  others
    ? html`<p class="hint">${t(locale, "account_page.end_others_explain")}</p>
<form method="post" action="/account/sessions/end-others">${csrfField(ctx)}<button type="submit">${t(locale, "account_page.end_others")}</button></form>`
    : ""
}`;
}

/** "Firefox on Windows, 203.0.113.9". */
function where(locale: Locale, s: Session): string {
  const { browser, os } = nameBrowser(s.userAgent);
  const named =
    browser && os
      ? t(locale, "account_page.browser_on", { browser, os })
      : (browser ?? os ?? t(locale, "account_page.unknown_browser"));
  return t(locale, "account_page.client", {
    browser: named,
    address: s.ip || t(locale, "account_page.unknown_address"),
  });
}

/** The user's own recent security events, in the catalogue's words. */
export function eventsBody(
  ctx: PageContext,
  events: StoredAuditEvent[],
  names: Map<string, string>,
): Html {
  return auditTable(ctx.locale, events, false, names, t(ctx.locale, "account_page.events"));
}
