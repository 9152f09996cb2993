import type { User } from "../core/ports/users.js";
import { type Locale, t } from "../words/catalogue.js";
import { type Html, html, tHtml } from "../words/html.js";

export interface PageContext {
  appName: string;
  csrf: string;
  /** The language of the page's words and of <html lang>. */
  locale: Locale;
  user?: User;
}

export function layout(ctx: PageContext, title: string, body: Html, wide = false): Html {
  const { locale } = ctx;
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(locale, "layout.title", { page: title, app: ctx.appName })}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="top"><span class="brand">${ctx.appName}</span>${
    ctx.user
      ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrf}"><a href="/account">${ctx.user.displayName || ctx.user.username}</a> <button class="link" type="submit">${t(locale, "common.sign_out")}</button></form>`
      : ""
  }</header>
<main${wide ? html` class="wide"` : ""}>
${body}
</main>
</body>
</html>`;
}

export function messages(notice?: string, error?: string): Html {
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}${
    error ? html`<p class="error" role="alert">${error}</p>` : ""
  }`;
}

export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

export function loginPage(
  ctx: PageContext,
  opts: { username?: string; notice?: string; error?: string },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "login.title"),
    html`<h1>${t(locale, "login.heading", { app: ctx.appName })}</h1>
${messages(opts.notice, opts.error)}
<form method="post" action="/login">
${csrfField(ctx)}
<label for="username">${t(locale, "login.username")}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="256" required value="${opts.username ?? ""}" autofocus>
<label for="password">${t(locale, "login.password")}</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="1024" required>
<button type="submit">${t(locale, "login.submit")}</button>
</form>`,
  );
}

export function changePasswordPage(
  ctx: PageContext,
  opts: {
    minLength: number;
    error?: string;
    /** The account page's change (issue 11): the current password first, posted there. */
    own?: { title: string; intro: string; currentLabel: string; back: Html };
  },
): Html {
  const { locale } = ctx;
  const title = opts.own?.title ?? t(locale, "new_password.title");
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
${messages(undefined, opts.error)}
<p>${opts.own?.intro ?? t(locale, "new_password.intro")}</p>
<form method="post" action="${opts.own ? "/account/password" : "/login/new-password"}">
${csrfField(ctx)}
${
  opts.own
    ? html`<label for="current-password">${opts.own.currentLabel}</label>
<input type="password" id="current-password" name="currentPassword" autocomplete="current-password" maxlength="1024" required>
`
    : ""
}<label for="new-password">${t(locale, "new_password.label")}</label>
<input type="password" id="new-password" name="newPassword" autocomplete="new-password" minlength="${opts.minLength}" maxlength="128" required aria-describedby="pw-hint">
<p class="hint" id="pw-hint">${t(locale, "new_password.hint", { count: opts.minLength })}</p>
<label for="confirm-password">${t(locale, "new_password.confirm_label")}</label>
<input type="password" id="confirm-password" name="confirmPassword" autocomplete="new-password" maxlength="128" required>
<button type="submit">${t(locale, "common.save")}</button>
</form>
${opts.own?.back ?? ""}`,
  );
}

export function codeField(locale: Locale): Html {
  return html`<label for="code">${t(locale, "code.label")}</label>
<input type="text" id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="code-hint">
<p class="hint" id="code-hint">${t(locale, "code.hint")}</p>`;
}

/** Issue 11: "Remember this device for 30 days" in a verification form; nothing when off. */
export function rememberField(locale: Locale, days: number): Html {
  if (days <= 0) return html``;
  return html`<p><input type="checkbox" id="remember" name="remember" value="1"> <label for="remember" class="inline">${t(locale, "verify.remember", { count: days })}</label></p>`;
}

export function setupPage(
  ctx: PageContext,
  opts: {
    username: string;
    qr?: { svg: Html; grouped: string };
    error?: string;
    extra?: Html;
    /** Where the screen posts and shows its key: the sign-in's, or the account page's. */
    action?: string;
    title?: string;
    intro?: string;
  },
): Html {
  const { locale } = ctx;
  const action = opts.action ?? "/login/setup";
  const title = opts.title ?? t(locale, "setup.title");
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
${messages(undefined, opts.error)}
<p>${opts.intro ?? t(locale, "setup.intro", { app: ctx.appName, username: opts.username })}</p>
${
  opts.qr
    ? html`<div class="qr" role="img" aria-label="${t(locale, "setup.qr_label")}">${opts.qr.svg}</div>
<p>${t(locale, "setup.manual_key")}</p>
<p><code class="key" id="manual-key">${opts.qr.grouped}</code></p>`
    : html`<form method="get" action="${action}"><input type="hidden" name="show" value="1"><button type="submit">${t(locale, "setup.show_qr")}</button></form>`
}
<form method="post" action="${action}">
${csrfField(ctx)}
${codeField(locale)}
<button type="submit">${t(locale, "common.save")}</button>
</form>
${opts.extra ?? ""}`,
  );
}

export function verifyPage(
  ctx: PageContext,
  opts: {
    appEnabled: boolean;
    error?: string | undefined;
    notice?: string;
    extra?: Html;
    /** Issue 11: "Remember this device for N days" (0: not offered). */
    rememberDays?: number;
  },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "verify.title"),
    html`<h1>${t(locale, "verify.title")}</h1>
${messages(opts.notice, opts.error)}
${opts.appEnabled ? html`<p>${t(locale, "verify.app_hint", { app: ctx.appName })}</p>` : ""}
<form method="post" action="/login/verify">
${csrfField(ctx)}
${codeField(locale)}
${rememberField(locale, opts.rememberDays ?? 0)}
<button type="submit">${t(locale, "verify.submit")}</button>
</form>
${opts.extra ?? ""}`,
  );
}

export function homePage(ctx: PageContext & { user: User }, links: Html): Html {
  const { locale } = ctx;
  const name = ctx.user.displayName || ctx.user.username;
  return layout(
    ctx,
    t(locale, "home.title"),
    html`<h1>${t(locale, "home.welcome", { name })}</h1>
<p>${tHtml(locale, "home.signed_in", { app: ctx.appName, username: html`<strong>${ctx.user.username}</strong>` })}</p>
<nav class="links"><a href="/account">${t(locale, "nav.account")}</a>${links}</nav>
<form method="post" action="/logout">${csrfField(ctx)}<button type="submit">${t(locale, "common.sign_out")}</button></form>`,
  );
}

export function errorPage(ctx: PageContext, title: string, text: string): Html {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1><p>${text}</p><p><a href="/">${t(ctx.locale, "nav.start_page")}</a></p>`,
  );
}

/** A POST whose CSRF token does not match (an old page, another browser's form). */
export function formExpiredPage(ctx: PageContext): Html {
  return errorPage(
    ctx,
    t(ctx.locale, "error.form_expired.title"),
    t(ctx.locale, "error.form_expired.text"),
  );
}
