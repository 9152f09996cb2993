import type { FastifyInstance, FastifyRequest } from "fastify";
import { HasherBusyError } from "../../core/password.js";
import { issueRecoveryCodes } from "../../core/recovery-codes.js";
import { forgetDevice, listDevices } from "../../core/remembered-devices.js";
import { t } from "../../words/catalogue.js";
import { html } from "../../words/html.js";
import { requireUser, type UserContext } from "../guards.js";
import { sendPage } from "../http.js";
import { csrfField, errorPage, layout } from "../pages.js";
import type { AccountSection } from "../pages-account.js";
import { devicesSection } from "../pages-devices.js";
import { recoveryCodesPage } from "../pages-recovery.js";
import { requireFreshProof } from "../step-up.js";
import type { AccountRouteDeps, AccountSectionSource } from "./account.js";

// Issue 11 on the account page: "Recovery codes" (how many are left; New recovery codes,
// after a step-up) and "Remembered devices" (each with Forget). The rules are the core's
// (recovery-codes.ts, remembered-devices.ts); docs/recovery.md says why.

const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const recoverySection: AccountSectionSource = async ({ core }, ctx) => {
  if (!core.factors.recovery) return undefined;
  const left = await core.stores.recoveryCodes.countLeft(ctx.user.id);
  const { locale } = ctx;
  return {
    id: "recovery-codes",
    heading: t(locale, "account_page.recovery"),
    body: html`<p>${left === 0 ? t(locale, "account_page.recovery_none") : t(locale, "recovery.left", { count: left })}${
      left > 0 && left <= 2 ? html` ${t(locale, "account_page.recovery_few")}` : ""
    }</p>
<form method="get" action="/account/recovery-codes"><button type="submit" class="secondary">${t(locale, "account_page.recovery_new")}</button></form>`,
  };
};

export const devicesAccountSection: AccountSectionSource = async ({ core }, ctx) => {
  const devices = await listDevices(core, ctx.user.id);
  const result: AccountSection = {
    id: "devices",
    heading: t(ctx.locale, "user.devices"),
    body: devicesSection(ctx, devices, (d) => `/account/devices/${d.id}/forget`, false),
  };
  return result;
};

export function registerAccountRecoveryRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const { core } = deps;
  const RETURN = "/account/recovery-codes";

  /** New recovery codes: a fresh second factor first, then a confirmation (a POST). */
  app.get(RETURN, async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    if (!(await requireFreshProof(deps, reply, ctx, RETURN))) return reply;
    return sendPage(reply, confirmPage(ctx));
  });

  app.post(RETURN, async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    if (!(await requireFreshProof(deps, reply, ctx, RETURN))) return reply;
    let codes: string[];
    try {
      codes = await issueRecoveryCodes(core, ctx.user, { ip: request.ip, via: "account" });
    } catch (err) {
      if (!(err instanceof HasherBusyError)) throw err;
      reply.header("retry-after", 5);
      return sendPage(reply, busyPage(ctx), 503);
    }
    reply.header("cache-control", "no-store");
    return sendPage(
      reply,
      recoveryCodesPage(ctx, { codes, continueHref: "/account", afterSetup: false }),
    );
  });

  app.post("/account/devices/:deviceId/forget", async (request, reply) => {
    const ctx = await requireUser(deps, request, reply);
    if (!ctx) return reply;
    const id = deviceIdOf(request);
    const forgot = id !== "" && (await forgetDevice(core, ctx.user, ctx.user, id, request.ip));
    return reply.redirect(`/account?notice=${forgot ? "device_forgotten" : "expired"}`, 303);
  });
}

function deviceIdOf(request: FastifyRequest): string {
  const id = (request.params as { deviceId?: unknown }).deviceId;
  return typeof id === "string" && DEVICE_ID.test(id) ? id : "";
}

function confirmPage(ctx: UserContext) {
  const { locale } = ctx;
  return layout(
    ctx,
    t(locale, "account_page.recovery_new"),
    html`<h1>${t(locale, "account_page.recovery_new")}</h1>
<p>${t(locale, "account_page.recovery_new_intro")}</p>
<form method="post" action="/account/recovery-codes">
${csrfField(ctx)}
<button type="submit">${t(locale, "account_page.recovery_make")}</button>
</form>
<p><a href="/account">${t(locale, "account_page.back")}</a></p>`,
  );
}

function busyPage(ctx: UserContext) {
  return errorPage(ctx, t(ctx.locale, "account_page.recovery_new"), t(ctx.locale, "reason.busy"));
}
