import { t } from "../words/catalogue.js";
import { type Html, html } from "../words/html.js";
import { codeField, csrfField, layout, messages, type PageContext } from "./pages.js";

/**
 * Before a forced password change (issue 14): the code sent to the user's email address,
 * Continue, and a button for a new code.
 */
export function proveEmailPage(
  ctx: PageContext,
  opts: { destination: string; error?: string | undefined },
): Html {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "prove_email.title"),
    html`<h1>${t(locale, "prove_email.title")}</h1>
${messages(undefined, opts.error)}
<p>${t(locale, "prove_email.intro", { destination: opts.destination })}</p>
<form method="post" action="/login/prove-email">
${csrfField(ctx)}
${codeField(locale)}
<button type="submit">${t(locale, "prove_email.submit")}</button>
</form>
<form method="post" action="/login/prove-email/send">
${csrfField(ctx)}
<button type="submit" class="link">${t(locale, "prove_email.resend")}</button>
</form>`,
  );
}
