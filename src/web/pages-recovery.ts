import type { CodeHint } from "../core/reasons.js";
import { type Locale, t } from "../words/catalogue.js";
import { type Html, html } from "../words/html.js";
import { csrfField, layout, messages, type PageContext, rememberField } from "./pages.js";

// Issue 11 on the sign-in screens: the recovery codes shown once after Save, the form
// for a recovery code, and the help under a refused code (tries left, the phone's clock,
// a code used already, a lost phone).

/** The ten codes, once, right after Save on the set-up screen; then "sign in again". */
export function recoveryCodesPage(
  ctx: PageContext,
  opts: {
    codes: readonly string[] | undefined;
    continueHref: string;
    /** Right after Save on the set-up screen (else: new codes from the account page). */
    afterSetup?: boolean;
  },
): Html {
  const afterSetup = opts.afterSetup ?? true;
  const { locale } = ctx;
  const { codes } = opts;
  const body = codes
    ? html`<p>${t(locale, "codes_shown.intro")}</p>
<p class="error" role="alert">${t(locale, "codes_shown.warning")}</p>
<ol class="recovery-codes" aria-label="${t(locale, "codes_shown.list_label")}">${codes.map(
        (c) => html`<li><code>${c}</code></li>`,
      )}</ol>
<form method="post" action="/login/recovery-codes.txt">
${csrfField(ctx)}
${codes.map((c) => html`<input type="hidden" name="codes" value="${c}">`)}
<button type="submit" class="secondary">${t(locale, "codes_shown.download")}</button>
</form>`
    : html`<p class="notice" role="status">${t(locale, "codes_shown.not_made")}</p>`;
  return layout(
    ctx,
    t(locale, "codes_shown.title"),
    html`<h1>${t(locale, "codes_shown.title")}</h1>
${afterSetup ? html`<p class="notice" role="status">${t(locale, "notice.app_added")}</p>` : ""}
${body}
<p><a class="button" href="${opts.continueHref}">${t(locale, afterSetup ? "codes_shown.continue" : "codes_shown.back_to_account")}</a></p>`,
  );
}

/** The downloaded file: plain text, one code a line. */
export function recoveryCodesFile(
  locale: Locale,
  appName: string,
  codes: readonly string[],
): string {
  return `${t(locale, "codes_shown.file_heading", { app: appName })}\n\n${codes.join("\n")}\n\n${t(locale, "codes_shown.file_note")}\n`;
}

/** The page for a recovery code ("Use a recovery code" on the verification screen). */
export function recoveryFormPage(
  ctx: PageContext,
  opts: { left: number; rememberDays: number; triesLeft: number; error?: string | undefined },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "recovery.title"),
    html`<h1>${t(locale, "recovery.title")}</h1>
${messages(undefined, opts.error)}
<p>${t(locale, "recovery.intro")}</p>
<form method="post" action="/login/verify">
${csrfField(ctx)}
<input type="hidden" name="form" value="recovery">
<label for="recovery-code">${t(locale, "recovery.label")}</label>
<input type="text" id="recovery-code" name="code" class="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required aria-describedby="recovery-hint">
<p class="hint" id="recovery-hint">${t(locale, "recovery.hint")}</p>
${rememberField(locale, opts.rememberDays)}
<button type="submit">${t(locale, "verify.submit")}</button>
</form>
<p class="hint">${t(locale, "recovery.left", { count: opts.left })}${
      opts.left <= 2 ? html` ${t(locale, "recovery.few_left")}` : ""
    }</p>
<p class="hint">${t(locale, "verify.tries_left", { count: opts.triesLeft })}</p>
<p><a href="/login/verify">${t(locale, "recovery.back")}</a></p>`,
  );
}

/** Under the verification form: tries left, and what to do when the phone is lost. */
export function verifyHelp(
  ctx: PageContext,
  opts: { triesLeft: number; recoveryCodes: boolean; appEnabled: boolean },
): Html {
  const { locale } = ctx;
  return html`<p class="hint" id="tries-left">${t(locale, "verify.tries_left", { count: opts.triesLeft })}</p>
${
  opts.recoveryCodes
    ? html`<p><a href="/login/verify/recovery">${t(locale, "verify.use_recovery")}</a></p>`
    : ""
}
${
  opts.appEnabled
    ? html`<section class="lost-phone" aria-labelledby="lost-phone"><h2 id="lost-phone">${t(locale, "verify.lost_phone_heading")}</h2>
<p>${t(locale, opts.recoveryCodes ? "verify.lost_phone_codes" : "verify.lost_phone")}</p></section>`
    : ""
}`;
}

/** A refused code's help: the phone's clock, or a code used already. */
export function hintText(locale: Locale, hint: CodeHint | undefined): string | undefined {
  if (!hint) return undefined;
  if (hint.kind === "used") {
    return t(locale, hint.recoveryCode ? "hint.recovery_used" : "hint.used");
  }
  const minutes = Math.max(1, Math.round(Math.abs(hint.offsetSeconds) / 60));
  return t(locale, hint.offsetSeconds > 0 ? "hint.clock_ahead" : "hint.clock_behind", {
    count: minutes,
  });
}
