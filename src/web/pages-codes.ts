import type { CodeMethod } from "../core/factors/codes.js";
import type { OutboxMessage } from "../delivery/outbox.js";
import { t } from "../words/catalogue.js";
import { formatDateTime } from "../words/format.js";
import { type Html, html, tHtml } from "../words/html.js";
import { csrfField, layout, type PageContext } from "./pages.js";

/** The code that is live, where it went (masked) and for how many more minutes. */
export interface SentCode {
  method: CodeMethod;
  destination: string;
  minutesLeft: number;
}

export interface CodePanelView {
  methods: readonly CodeMethod[];
  /** Seconds until another code may be sent; 0 when it may now. */
  resendWaitSeconds: number;
  /** A code is live (the "send a new one" hint shows even when its address is gone). */
  live: boolean;
  showOutbox: boolean;
  error?: string | undefined;
}

/** "We sent a code by email to …": above the code field, where the eye is. */
export function sentNotice(ctx: PageContext, sent: SentCode | undefined): Html {
  if (!sent) return html``;
  return html`<p class="notice" role="status">${tHtml(
    ctx.locale,
    sent.method === "email" ? "codes.sent_email" : "codes.sent_sms",
    {
      destination: html`<strong class="nowrap">${sent.destination}</strong>`,
      count: sent.minutesLeft,
    },
  )}</p>`;
}

/** The code panel under the set-up or verification form: send buttons, when to resend. */
export function codePanel(ctx: PageContext, view: CodePanelView): Html {
  const { locale } = ctx;
  return html`<section class="codes" aria-label="${t(locale, "codes.label")}">
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ""}
${
  view.resendWaitSeconds > 0
    ? html`<p class="hint" id="resend-wait">${t(locale, "codes.resend_wait", { count: view.resendWaitSeconds })}</p>`
    : view.live
      ? html`<p class="hint" id="resend-wait">${t(locale, "codes.resend_now")}</p>`
      : ""
}
${view.methods.map(
  (method) => html`<form method="post" action="/login/code" class="inline">
${csrfField(ctx)}<input type="hidden" name="method" value="${method}">
<button type="submit" class="secondary">${t(locale, method === "email" ? "codes.send_email" : "codes.send_sms")}</button>
</form>
`,
)}
${view.showOutbox ? html`<p class="hint">${tHtml(locale, "codes.dev_outbox", { outbox: html`<a href="/dev/outbox">${t(locale, "codes.dev_outbox_link")}</a>` })}</p>` : ""}
</section>`;
}

/** Said instead of the panel when no method can deliver a code and the app is not enabled. */
export function noCodeMethod(ctx: PageContext): Html {
  return html`<p class="error" role="alert">${t(ctx.locale, "codes.none_available")}</p>`;
}

/** Development only: the messages that would have gone out, codes included. */
export function outboxPage(ctx: PageContext, messages: readonly OutboxMessage[]): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "outbox.title"),
    html`<h1>${t(locale, "outbox.title")}</h1>
<p>${t(locale, "outbox.intro")}</p>
${messages.length === 0 ? html`<p>${t(locale, "outbox.empty")}</p>` : ""}
${messages.map(
  (m) => html`<article class="outbox">
<h2>${t(locale, m.channel === "email" ? "outbox.email_to" : "outbox.sms_to", { to: m.to })}</h2>
<p class="hint">${formatDateTime(locale, m.at, { seconds: true, timeZone: ctx.timeZone })}${m.subject ? html` · ${m.subject}` : ""}</p>
<pre>${m.body}</pre>
</article>`,
)}
<p><a href="/login/verify">${t(locale, "outbox.back")}</a></p>`,
    true,
  );
}
