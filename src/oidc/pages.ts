import type { KoaContextWithOIDC } from "oidc-provider";
import { type Locale, t } from "../words/catalogue.js";
import { type Html, html, raw } from "../words/html.js";

// The provider's own pages (an error, the sign-out question, signed out), as Vestibule
// pages: plain HTML inside the chrome the caller passes (Vestibule's layout), no inline
// script, no inline style, so the /oidc CSP can forbid both (mount.ts).

/**
 * Wraps a page's body in Vestibule's layout (title, stylesheet, header) in the reader's
 * language, chosen from the browser's Accept-Language (else DEFAULT_LOCALE); the words are
 * the catalogue's `oidc.*` (issue 12). Returns the document.
 */
export type PageChrome = (
  acceptLanguage: string | undefined,
  page: (locale: Locale) => { title: string; body: Html },
) => string;

interface ErrorOut {
  error: string;
  error_description?: string;
}

const acceptLanguageOf = (ctx: KoaContextWithOIDC): string | undefined =>
  ctx.get("accept-language") || undefined;

/** Only the error code and the provider's public description: never a stack or detail. */
export function errorPage(chrome: PageChrome) {
  return async (ctx: KoaContextWithOIDC, out: ErrorOut, _error: Error): Promise<void> => {
    const serverError = out.error === "server_error";
    ctx.type = "html";
    ctx.body = chrome(acceptLanguageOf(ctx), (locale) => ({
      title: t(locale, "oidc.error.title"),
      body: html`<h1>${t(locale, "oidc.error.title")}</h1>
<p class="error" role="alert">${t(locale, serverError ? "oidc.error.server_text" : "oidc.error.text")}</p>
<p>${t(locale, "oidc.error.code")}: <code>${out.error}</code>${
        !serverError && out.error_description ? html` (${out.error_description})` : ""
      }</p>`,
    }));
  };
}

/**
 * The RP-initiated logout question. `form` is the provider's own
 * `<form id="op.logoutForm" method="post" action="…/session/end/confirm">` with its xsrf
 * field (markup the provider built and escaped); the buttons submit it with form=…, a
 * plain form post.
 */
export function logoutPage(chrome: PageChrome) {
  return async (ctx: KoaContextWithOIDC, form: string): Promise<void> => {
    ctx.type = "html";
    ctx.body = chrome(acceptLanguageOf(ctx), (locale) => ({
      title: t(locale, "oidc.sign_out.title"),
      body: html`<h1>${t(locale, "oidc.sign_out.title")}</h1>
<p>${t(locale, "oidc.sign_out.question")}</p>
${raw(form)}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">${t(locale, "oidc.sign_out.submit")}</button>
<button type="submit" form="op.logoutForm" class="link">${t(locale, "oidc.sign_out.stay")}</button></p>`,
    }));
  };
}

export function signedOutPage(chrome: PageChrome) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const client = ctx.oidc.client;
    const name = client?.clientName ?? client?.clientId;
    ctx.type = "html";
    ctx.body = chrome(acceptLanguageOf(ctx), (locale) => ({
      title: t(locale, "oidc.signed_out.title"),
      body: html`<h1>${t(locale, "oidc.signed_out.title")}</h1>
<p>${name ? t(locale, "oidc.signed_out.of", { client: name }) : t(locale, "oidc.signed_out.text")}</p>`,
    }));
  };
}
