import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  type AccountDeps,
  changeOwnPassword,
  confirmAppReplacement,
  endOtherSessions,
  type Self,
  startAppReplacement,
} from "../../core/account.js";
import { loadFlow } from "../../core/flow/flow.js";
import { getEnabledMethods } from "../../core/policy.js";
import type { Reason } from "../../core/reasons.js";
import { idleCutoff } from "../../core/sessions.js";
import type { Core } from "../../system.js";
import { t } from "../../words/catalogue.js";
import { type Html, html } from "../../words/html.js";
import { requireUser, type UserContext } from "../guards.js";
import { clearCookie, formField, queryField, sendPage, setCookie, type WebKit } from "../http.js";
import { lookupWord, REASONS, refusalText } from "../messages.js";
import { changePasswordPage, setupPage } from "../pages.js";
import {
  type AccountSection,
  accountPage,
  eventsBody,
  methodsBody,
  passwordBody,
  sessionsBody,
} from "../pages-account.js";
import { keyQr } from "../qr.js";
import { requireFreshProof } from "../step-up.js";
import { devicesAccountSection, recoverySection } from "./account-recovery.js";
import { actorNamesOf } from "./audit.js";

// The account page (issue 11): every signed-in user's own methods, sessions and recent
// security events, and the changes they make themselves. Rules: core/account.ts;
// decisions: docs/account.md.

export interface AccountRouteDeps {
  kit: WebKit;
  core: Core;
}

/**
 * One section of the account page, built for the signed-in person on each request;
 * undefined leaves it out. ACCOUNT_SECTIONS lists them in page order: a new section (recovery
 * codes, remembered devices, language) is one more entry.
 */
export type AccountSectionSource = (
  deps: AccountRouteDeps,
  ctx: UserContext,
) => Promise<AccountSection | undefined>;

const methodsSection: AccountSectionSource = async ({ core }, ctx) => {
  const [auth, methods] = await Promise.all([
    core.stores.authenticators.get(ctx.user.id),
    getEnabledMethods(core.stores.settings),
  ]);
  return {
    id: "methods",
    heading: t(ctx.locale, "account_page.methods"),
    body: methodsBody(ctx, {
      appConfirmedAt: auth?.confirmedAt ?? null,
      appEnabled: methods.includes("app"),
      email: ctx.user.email,
      phone: ctx.user.phone,
    }),
  };
};

const passwordSection: AccountSectionSource = async (_deps, ctx) => ({
  id: "password",
  heading: t(ctx.locale, "account_page.password"),
  body: passwordBody(ctx),
});

const sessionsSection: AccountSectionSource = async ({ core }, ctx) => {
  const now = core.clock.now();
  const sessions = await core.stores.sessions.listForUser(
    ctx.user.id,
    now,
    idleCutoff(core.rules, now),
  );
  return {
    id: "sessions",
    heading: t(ctx.locale, "account_page.sessions"),
    body: sessionsBody(ctx, { sessions, currentIdHash: ctx.session.idHash }),
  };
};

const eventsSection: AccountSectionSource = async ({ core }, ctx) => {
  const events = await core.stores.audit.list({ userId: ctx.user.id, limit: 20 });
  return {
    id: "events",
    heading: t(ctx.locale, "account_page.events"),
    body: eventsBody(ctx, events, await actorNamesOf(core.stores.users, events)),
  };
};

/** The account page's sections, in order. */
export const ACCOUNT_SECTIONS: AccountSectionSource[] = [
  methodsSection,
  passwordSection,
  // Issue 11, branch recovery (routes/account-recovery.ts).
  recoverySection,
  devicesAccountSection,
  sessionsSection,
  eventsSection,
];

/** Notices after a change, by a fixed key from the query string (never reflected text). */
const NOTICES = {
  password_changed: "account_page.notice.password_changed",
  app_replaced: "account_page.notice.app_replaced",
  others_ended: "account_page.notice.others_ended",
  expired: "account_page.notice.expired",
  too_many_codes: "notice.too_many_codes",
  locked: "notice.locked",
  locked_for_good: "notice.locked_for_good",
  device_forgotten: "user.device_forgotten",
} as const;

/** Refusals that end an enrolment: back to the account page with a notice. */
const ENDS_ENROLMENT: Partial<Record<Reason, keyof typeof NOTICES>> = {
  expired: "expired",
  wrong_step: "expired",
  too_many_codes: "too_many_codes",
  second_factor_locked: "locked",
  second_factor_locked_for_good: "locked_for_good",
};

export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const { kit, core } = deps;
  const accountDeps: AccountDeps = core;
  const self = (request: FastifyRequest, ctx: UserContext): Self => ({
    user: ctx.user,
    session: ctx.session,
    ip: request.ip,
    deviceCookie: request.cookies[kit.names.device],
  });
  const flowToken = (request: FastifyRequest): string | undefined =>
    request.cookies[kit.names.signin];

  app.get("/account", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    const sections = await Promise.all(ACCOUNT_SECTIONS.map((source) => source(deps, ctx)));
    const id = lookupWord(NOTICES, queryField(request, "notice"));
    return sendPage(
      reply,
      accountPage(ctx, {
        sections: sections.filter((s): s is AccountSection => s !== undefined),
        ...(id ? { notice: t(ctx.locale, id) } : {}),
      }),
    );
  });

  // Change password: a fresh second factor before the form (a POST cannot be replayed
  // after a step-up, and no new password waits on a flow), and again on the POST.
  const passwordForm = (ctx: UserContext, error?: string): Promise<Html> =>
    minLengthFor(core).then((minLength) =>
      changePasswordPage(ctx, {
        minLength,
        ...(error ? { error } : {}),
        own: {
          title: t(ctx.locale, "account_page.change_password"),
          intro: t(ctx.locale, "password_page.intro"),
          currentLabel: t(ctx.locale, "password_page.current"),
          back: backLink(ctx),
        },
      }),
    );

  app.get("/account/password", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    if (!(await requireFreshProof(deps, reply, ctx, "/account/password"))) return reply;
    return sendPage(reply, await passwordForm(ctx));
  });

  app.post("/account/password", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    if (!(await requireFreshProof(deps, reply, ctx, "/account/password"))) return reply;
    const result = await changeOwnPassword(accountDeps, self(request, ctx), {
      current: formField(request, "currentPassword"),
      newPassword: formField(request, "newPassword"),
      confirmPassword: formField(request, "confirmPassword"),
    });
    if (result.ok) {
      await core.onAccountEnded(ctx.user.id);
      return reply.redirect("/account?notice=password_changed", 303);
    }
    if (result.retryAfterMs !== undefined) {
      reply.header("retry-after", Math.ceil(result.retryAfterMs / 1000));
    }
    const minLength = await minLengthFor(core);
    return sendPage(
      reply,
      await passwordForm(ctx, refusalText(ctx.locale, result, minLength)),
      REASONS[result.reason].status,
    );
  });

  app.post("/account/sessions/end-others", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    await endOtherSessions(accountDeps, self(request, ctx));
    // Applications signed in through the other sessions end too (this browser's sign in
    // again through this session, without a prompt).
    await core.onAccountEnded(ctx.user.id);
    return reply.redirect("/account?notice=others_ended", 303);
  });

  // Replace the authenticator app: a fresh second factor, then an `enrol` flow bound to
  // this session shows a new key; a code from it replaces the old app (core/account.ts).
  const replacement = async (request: FastifyRequest, ctx: UserContext) => {
    const loaded = await loadFlow(core, flowToken(request));
    const ours =
      loaded?.flow.purpose === "enrol" &&
      loaded.flow.state === "setup_app" &&
      loaded.flow.sessionIdHash === ctx.session.idHash
        ? loaded
        : undefined;
    return ours;
  };

  const replacePage = async (
    request: FastifyRequest,
    ctx: UserContext,
    loaded: NonNullable<Awaited<ReturnType<typeof replacement>>>,
    show: boolean,
    error?: string,
  ): Promise<Html | undefined> => {
    let qr: { svg: Html; grouped: string } | undefined;
    if (show) {
      const key = await core.factors.app.start(loaded, request.ip);
      if (!key.ok || key.kind !== "key") return undefined;
      qr = { svg: await keyQr(key.uri), grouped: key.grouped };
    }
    return setupPage(ctx, {
      username: ctx.user.username,
      action: "/account/app",
      title: t(ctx.locale, "account_page.replace_app"),
      intro: t(ctx.locale, "replace_page.intro", {
        app: ctx.appName,
        username: ctx.user.username,
      }),
      ...(qr ? { qr } : {}),
      ...(error ? { error } : {}),
      extra: backLink(ctx),
    });
  };

  const backToAccount = (reply: FastifyReply, notice: keyof typeof NOTICES) => {
    clearCookie(kit, reply, kit.names.signin);
    return reply.redirect(`/account?notice=${notice}`, 303);
  };

  app.get("/account/app", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    if (!(await requireFreshProof(deps, reply, ctx, "/account/app"))) return reply;
    let loaded = await replacement(request, ctx);
    if (!loaded) {
      const token = await startAppReplacement(accountDeps, self(request, ctx), {
        kind: "path",
        path: "/account",
      });
      setCookie(kit, reply, kit.names.signin, token, Math.floor(core.rules.flowTtlMs / 1000));
      request.cookies[kit.names.signin] = token;
      loaded = await replacement(request, ctx);
      if (!loaded) return backToAccount(reply, "expired");
    }
    const page = await replacePage(request, ctx, loaded, queryField(request, "show") === "1");
    return page ? sendPage(reply, page) : backToAccount(reply, "expired");
  });

  app.post("/account/app", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    const result = await confirmAppReplacement(
      accountDeps,
      self(request, ctx),
      flowToken(request),
      formField(request, "code", 64).trim(),
    );
    if (result.ok) return backToAccount(reply, "app_replaced");
    const ends = ENDS_ENROLMENT[result.reason];
    if (ends) return backToAccount(reply, ends);
    const loaded = await replacement(request, ctx);
    if (!loaded) return backToAccount(reply, "expired");
    const page = await replacePage(request, ctx, loaded, true, refusalText(ctx.locale, result));
    if (!page) return backToAccount(reply, "expired");
    if (result.retryAfterMs !== undefined) {
      reply.header("retry-after", Math.ceil(result.retryAfterMs / 1000));
    }
    return sendPage(reply, page, REASONS[result.reason].status);
  });
}

function backLink(ctx: UserContext): Html {
  return html`<p><a href="/account">${t(ctx.locale, "account_page.back")}</a></p>`;
}

/** The minimum a new password needs here: 15 without a second factor (issue 14). */
async function minLengthFor(core: Core): Promise<number> {
  const rules = core.rules.passwordRules;
  const methods = await getEnabledMethods(core.stores.settings);
  return methods.length > 0
    ? rules.minLength
    : Math.max(rules.minLength, rules.singleFactorMinLength);
}
