import type { FastifyInstance } from "fastify";
import { getEnabledMethods } from "../../core/policy.js";
import { METHODS, type Method } from "../../core/ports/runtime.js";
import {
  changeRememberDays,
  getRememberDays,
  parseRememberDays,
} from "../../core/remembered-devices.js";
import { changeMethods } from "../../core/supervision.js";
import { t } from "../../words/catalogue.js";
import { adminNoticeText } from "../admin-words.js";
import { requireStaff } from "../guards.js";
import { formField, queryField, sendPage } from "../http.js";
import { settingsPage } from "../pages-admin.js";
import type { StaffRouteDeps } from "./users.js";

export function registerSettingsRoutes(app: FastifyInstance, deps: StaffRouteDeps): void {
  app.get("/settings", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    const methods = await getEnabledMethods(deps.admin.stores.settings);
    const notice = adminNoticeText(ctx.locale, queryField(request, "notice"));
    const rememberDays = await getRememberDays(deps.admin.stores.settings);
    return sendPage(reply, settingsPage(ctx, { methods, notice, rememberDays }));
  });

  app.post("/settings", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    // Unchecked boxes are simply absent; unknown words are ignored, never stored.
    const body = (request.body ?? {}) as Record<string, unknown>;
    const sent = body.methods;
    const words = (Array.isArray(sent) ? sent : [sent]).filter(
      (w): w is string => typeof w === "string",
    );
    const methods = METHODS.filter((m: Method) => words.includes(m));
    const result = await changeMethods(deps.admin, ctx.user, methods, request.ip);
    if (!result.ok && result.reason === "unavailable") {
      const current = await getEnabledMethods(deps.admin.stores.settings);
      const rememberDays = await getRememberDays(deps.admin.stores.settings);
      return sendPage(
        reply,
        settingsPage(ctx, { methods: current, error: result.problem, rememberDays }),
        400,
      );
    }
    if (!result.ok) return reply.code(403).send();
    return reply.redirect("/settings?notice=methods_saved", 303);
  });

  /** Issue 11: how many days "Remember this device" lasts; 0 turns it off. */
  app.post("/settings/remember", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    const days = parseRememberDays(formField(request, "days", 16));
    if (days === undefined) {
      const methods = await getEnabledMethods(deps.admin.stores.settings);
      const rememberDays = await getRememberDays(deps.admin.stores.settings);
      const rememberError = t(ctx.locale, "settings.remember_bad");
      return sendPage(reply, settingsPage(ctx, { methods, rememberDays, rememberError }), 400);
    }
    const result = await changeRememberDays(deps.core, ctx.user, days, request.ip);
    if (!result.ok) return reply.code(403).send();
    return reply.redirect("/settings?notice=remember_saved", 303);
  });
}
