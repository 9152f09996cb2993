import type { FastifyInstance } from "fastify";
import type { Core } from "../../system.js";
import { LOCALES, t } from "../../words/catalogue.js";
import { asLocale } from "../../words/choose.js";
import { type Html, html } from "../../words/html.js";
import { requireUser } from "../guards.js";
import { formField, sendPage, type WebKit } from "../http.js";
import { csrfField, layout, messages, type PageContext } from "../pages.js";
import type { AccountSection } from "../pages-account.js";

// Issue 12: a signed-in person chooses their language (pages, emails, SMS), or none (their
// browser's, else DEFAULT_LOCALE): the account page's Language section posts here.

export function registerLanguageRoutes(
  app: FastifyInstance,
  deps: { kit: WebKit; core: Core },
): void {
  // The section lives on the account page; this address only leads there.
  app.get("/account/language", async (_request, reply) => reply.redirect("/account#language", 303));

  app.post("/account/language", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    const value = formField(request, "locale");
    const locale = value === "" ? null : asLocale(value);
    if (locale === undefined) {
      // Only a forged or broken form gets here: the form again, said as a refusal.
      const page = layout(
        ctx,
        t(ctx.locale, "language.title"),
        html`<h1>${t(ctx.locale, "language.title")}</h1>
${messages(undefined, t(ctx.locale, "language.unknown"))}
${languageForm(ctx, deps.kit, ctx.user.locale)}
<p><a href="/account">${t(ctx.locale, "account_page.back")}</a></p>`,
      );
      return sendPage(reply, page, 400);
    }
    await deps.core.stores.users.update(ctx.user.id, { locale });
    return reply.redirect("/account?notice=language_saved#language", 303);
  });
}

/** The account page's Language section. */
export function languageSection(
  kit: WebKit,
  ctx: PageContext & { user: { locale: string | null } },
): AccountSection {
  return {
    id: "language",
    heading: t(ctx.locale, "language.title"),
    body: html`<p>${t(ctx.locale, "language.intro")}</p>
${languageForm(ctx, kit, ctx.user.locale)}`,
  };
}

function languageForm(ctx: PageContext, kit: WebKit, chosen: string | null): Html {
  const { locale } = ctx;
  const fallback = t(locale, `language.name.${kit.defaultLocale}`);
  // Each language is named in itself (lang marks it for screen readers).
  const option = (value: string, label: string, lang = locale) =>
    html`<option value="${value}" lang="${lang}"${(chosen ?? "") === value ? html` selected` : ""}>${label}</option>`;
  return html`<form method="post" action="/account/language">
${csrfField(ctx)}
<label for="locale">${t(locale, "language.choice")}</label>
<select id="locale" name="locale">
${option("", t(locale, "language.browser", { language: fallback }))}
${LOCALES.map((l) => option(l, t(l, `language.name.${l}`), l))}
</select>
<button type="submit">${t(locale, "common.save")}</button>
</form>`;
}
