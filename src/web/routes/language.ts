import type { FastifyInstance } from "fastify";
import type { Core } from "../../system.js";
import { LOCALES, t } from "../../words/catalogue.js";
import { asLocale } from "../../words/choose.js";
import { html } from "../../words/html.js";
import { requireUser } from "../guards.js";
import { formField, queryField, sendPage, type WebKit } from "../http.js";
import { csrfField, layout, messages, type PageContext } from "../pages.js";

// Issue 12: a signed-in person chooses their language (pages, emails, SMS), or none (their
// browser's, else DEFAULT_LOCALE). A small page of its own until the account page (branch
// `account`) has a Language section.

export function registerLanguageRoutes(
  app: FastifyInstance,
  deps: { kit: WebKit; core: Core },
): void {
  app.get("/account/language", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    const saved = queryField(request, "notice") === "saved";
    return sendPage(reply, languagePage(ctx, deps.kit, ctx.user.locale, saved));
  });

  app.post("/account/language", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    const value = formField(request, "locale");
    const locale = value === "" ? null : asLocale(value);
    if (locale === undefined) {
      return sendPage(reply, languagePage(ctx, deps.kit, ctx.user.locale, false), 400);
    }
    await deps.core.stores.users.update(ctx.user.id, { locale });
    return reply.redirect("/account/language?notice=saved", 303);
  });
}

function languagePage(
  ctx: PageContext,
  kit: WebKit,
  chosen: string | null,
  saved: boolean,
): ReturnType<typeof layout> {
  const { locale } = ctx;
  const fallback = t(locale, `language.name.${kit.defaultLocale}`);
  // Each language is named in itself (lang marks it for screen readers).
  const option = (value: string, label: string, lang = locale) =>
    html`<option value="${value}" lang="${lang}"${(chosen ?? "") === value ? html` selected` : ""}>${label}</option>`;
  return layout(
    ctx,
    t(locale, "language.title"),
    html`<h1>${t(locale, "language.title")}</h1>
${messages(saved ? t(locale, "language.saved") : undefined)}
<p>${t(locale, "language.intro")}</p>
<form method="post" action="/account/language">
${csrfField(ctx)}
<label for="locale">${t(locale, "language.choice")}</label>
<select id="locale" name="locale">
${option("", t(locale, "language.browser", { language: fallback }))}
${LOCALES.map((l) => option(l, t(l, `language.name.${l}`), l))}
</select>
<button type="submit">${t(locale, "common.save")}</button>
</form>
<p><a href="/">${t(locale, "nav.home")}</a></p>`,
  );
}
