import type { KoaContextWithOIDC } from "oidc-provider";
import { type Html, html, raw } from "../words/html.js";

// The provider's own pages (an error, the sign-out question, signed out), as Vestibule
// pages: plain HTML inside the chrome the caller passes (Vestibule's layout), no inline
// script, no inline style, so the /oidc CSP can forbid both (mount.ts).

/** Wraps a page's body in Vestibule's layout: title, stylesheet, header. Returns the document. */
export type PageChrome = (title: string, body: Html) => string;

/** The words of these pages, in one place (for the catalogue). */
export const OIDC_WORDS = {
  errorTitle: "Sign-in could not continue",
  errorText: "The application's request could not be completed.",
  serverErrorText: "The service is temporarily unavailable. Please try again shortly.",
  errorCode: "Error",
  signOutTitle: "Sign out",
  signOutQuestion: "Do you want to sign out of all applications that use this sign-in?",
  signOut: "Sign out",
  staySignedIn: "Stay signed in",
  signedOutTitle: "Signed out",
  signedOutText: "You have been signed out.",
  signedOutOf: "You have been signed out of",
} as const;

interface ErrorOut {
  error: string;
  error_description?: string;
}

/** Only the error code and the provider's public description: never a stack or detail. */
export function errorPage(chrome: PageChrome) {
  return async (ctx: KoaContextWithOIDC, out: ErrorOut, _error: Error): Promise<void> => {
    const serverError = out.error === "server_error";
    ctx.type = "html";
    ctx.body = chrome(
      OIDC_WORDS.errorTitle,
      html`<h1>${OIDC_WORDS.errorTitle}</h1>
<p class="error" role="alert">${serverError ? OIDC_WORDS.serverErrorText : OIDC_WORDS.errorText}</p>
<p>${OIDC_WORDS.errorCode}: <code>${out.error}</code>${
        !serverError && out.error_description ? html` (${out.error_description})` : ""
      }</p>`,
    );
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
    ctx.body = chrome(
      OIDC_WORDS.signOutTitle,
      html`<h1>${OIDC_WORDS.signOutTitle}</h1>
<p>${OIDC_WORDS.signOutQuestion}</p>
${raw(form)}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">${OIDC_WORDS.signOut}</button>
<button type="submit" form="op.logoutForm" class="link">${OIDC_WORDS.staySignedIn}</button></p>`,
    );
  };
}

export function signedOutPage(chrome: PageChrome) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const client = ctx.oidc.client;
    const name = client?.clientName ?? client?.clientId;
    ctx.type = "html";
    ctx.body = chrome(
      OIDC_WORDS.signedOutTitle,
      html`<h1>${OIDC_WORDS.signedOutTitle}</h1>
<p>${name ? html`${OIDC_WORDS.signedOutOf} ${name}.` : OIDC_WORDS.signedOutText}</p>`,
    );
  };
}
