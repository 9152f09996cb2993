import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { User } from "../../core/ports/users.js";
import { forgetDevice, listDevices } from "../../core/remembered-devices.js";
import { idleCutoff } from "../../core/sessions.js";
import {
  forceNewPassword,
  isAdministrator,
  isSecondFactorLocked,
  mayActOn,
  secondFactorLockView,
  unlockSecondFactor,
} from "../../core/supervision.js";
import {
  generateTemporaryPassword,
  setTemporaryPassword,
  TEMPORARY_PASSWORD_TTL_MS,
} from "../../core/temporary-password.js";
import {
  addUser,
  editUser,
  type FormErrors,
  setUserActive,
  type UserAdminDeps,
} from "../../core/user-admin.js";
import type { Core } from "../../system.js";
import { t } from "../../words/catalogue.js";
import { adminNoticeText, fieldErrorText } from "../admin-words.js";
import { type GuardDeps, requireStaff, type UserContext } from "../guards.js";
import { formField, queryField, sendPage } from "../http.js";
import { errorPage } from "../pages.js";
import { forbiddenPage } from "../pages-admin.js";
import type { RecoveryView } from "../pages-devices.js";
import {
  addUserPage,
  confirmForcePage,
  type StaffContext,
  temporaryPasswordShownPage,
  userSettingsPage,
  usersPage,
} from "../pages-users.js";
import { requireFreshProof } from "../step-up.js";
import { actorNamesOf } from "./audit.js";

export interface StaffRouteDeps extends GuardDeps {
  core: Core;
  admin: UserAdminDeps;
}

const PAGE_SIZE = 50;
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PROFILE_FIELDS = ["displayName", "email", "phone", "role"] as const;

export function registerUserRoutes(app: FastifyInstance, deps: StaffRouteDeps): void {
  const { admin } = deps;
  const idOf = (request: FastifyRequest): string => {
    const id = (request.params as { id?: unknown }).id;
    // Only ids of the form we make (UUIDs; tests and the bench use the same alphabet):
    // anything else, e.g. %00 that PostgreSQL refuses in text, is "" and answers 404.
    return typeof id === "string" && USER_ID.test(id) ? id : "";
  };
  const notFound = (reply: FastifyReply, ctx: StaffContext) =>
    sendPage(
      reply,
      errorPage(
        ctx,
        t(ctx.locale, "error.not_found.title"),
        t(ctx.locale, "error.no_such_user.text"),
      ),
      404,
    );
  // last_administrator: the web acts on no administrator (mayActOn), so only the CLI meets it.
  const refused = (
    reply: FastifyReply,
    ctx: StaffContext,
    reason: "not_found" | "forbidden" | "last_administrator",
  ) => (reason === "not_found" ? notFound(reply, ctx) : sendPage(reply, forbiddenPage(ctx), 403));
  // A settings page shows the account's recent audit events with their IP addresses: a
  // supervisor opens only the users they may act on (docs/supervision.md).
  const mayOpen = (actor: User, target: User): boolean =>
    isAdministrator(actor) || mayActOn(actor, target);
  /**
   * Changing someone's contact details, role or active state, unlocking them, and Force New
   * Password ask the acting staff member for a second factor proved in the last 10 minutes
   * (issue 14). Older: a step-up, then back to the GET page the form is on (`page` under
   * the user's address), where the person sends it again; a POST cannot be replayed.
   */
  const freshProof = (
    reply: FastifyReply,
    ctx: StaffContext & UserContext,
    request: FastifyRequest,
    page = "",
  ): Promise<boolean> => requireFreshProof(deps, reply, ctx, `/users/${idOf(request)}${page}`);

  app.get("/users", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    const q = queryField(request, "q").trim().slice(0, 254);
    const after = queryField(request, "after").slice(0, 64) || undefined;
    // Backwards: the PAGE_SIZE (+1 to know if there are more) usernames before `before`.
    const before = queryField(request, "before").slice(0, 64) || undefined;
    const [users, total] = await Promise.all([
      admin.stores.users.search({
        prefix: q,
        ...(before !== undefined ? { before } : { after }),
        limit: PAGE_SIZE + 1,
      }),
      admin.stores.users.count(q),
    ]);
    const more = users.length > PAGE_SIZE;
    // Backwards, the extra row is the first (rows come ascending): drop it, not the last.
    const page = before !== undefined && more ? users.slice(1) : users.slice(0, PAGE_SIZE);
    const withApp = await deps.core.stores.authenticators.confirmedAmong(page.map((u) => u.id));
    const rows = await Promise.all(
      page.map(async (u) =>
        mayOpen(ctx.user, u)
          ? { ...u, appSetUp: withApp.has(u.id), locked: await isSecondFactorLocked(admin, u.id) }
          : { ...u, appSetUp: withApp.has(u.id), locked: false, mayOpen: false },
      ),
    );
    // Forwards, more rows mean a next page; backwards, the page we came from is next.
    const next = before !== undefined || more ? page[page.length - 1]?.username : undefined;
    // A previous page exists when we came forwards (after), or backwards with more rows.
    const previous = (before !== undefined ? more : after !== undefined)
      ? page[0]?.username
      : undefined;
    const notFirst = before !== undefined || after !== undefined;
    return sendPage(
      reply,
      usersPage(ctx, {
        rows,
        total,
        q,
        next,
        previous,
        first: notFirst,
        canAdd: isAdministrator(ctx.user),
      }),
    );
  });

  app.get("/users/new", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    return sendPage(reply, addUserPage(ctx, { values: { role: "user" } }));
  });

  app.post("/users/new", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    const values = profileValues(request, ["username", ...PROFILE_FIELDS]);
    const result = await addUser(
      admin,
      ctx.user,
      {
        username: values.username ?? "",
        displayName: values.displayName ?? "",
        email: values.email ?? "",
        phone: values.phone ?? "",
        role: values.role ?? "",
        password: formField(request, "password"),
      },
      request.ip,
    );
    if (result.ok) return reply.redirect(`/users/${result.value.id}?notice=added`, 303);
    if (result.reason !== "invalid") return refused(reply, ctx, result.reason);
    const password = { weakness: result.weakness, minLength: result.minLength };
    return sendPage(reply, addUserPage(ctx, { values, errors: result.errors, password }), 400);
  });

  const showUser = async (
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    form?: { values: Record<string, string>; errors: FormErrors },
    temporaryError?: string,
  ) => {
    const target = await admin.stores.users.findById(idOf(request));
    if (!target) return notFound(reply, ctx);
    if (!mayOpen(ctx.user, target)) return sendPage(reply, forbiddenPage(ctx), 403);
    const [auth, lock, removedApps, events, sessions, recovery] = await Promise.all([
      deps.core.stores.authenticators.get(target.id),
      secondFactorLockView(admin, target.id),
      deps.core.stores.authenticators.history(target.id),
      deps.core.stores.audit.list({ userId: target.id, limit: 20 }),
      deps.core.stores.sessions.listForUser(
        target.id,
        deps.core.clock.now(),
        idleCutoff(deps.core.rules, deps.core.clock.now()),
      ),
      recoveryView(deps.core, target.id),
    ]);
    const mayAct = mayActOn(ctx.user, target);
    return sendPage(
      reply,
      userSettingsPage(ctx, {
        target,
        appSetUp: Boolean(auth?.confirmedAt),
        lock,
        removedApps,
        events,
        sessions,
        // Who acted in the events, and who removed an authenticator.
        actorNames: await actorNamesOf(admin.stores.users, [
          ...events,
          ...removedApps.map((r) => ({ actorId: r.removedBy })),
        ]),
        mayAct,
        canEdit: mayAct && isAdministrator(ctx.user),
        notice: adminNoticeText(ctx.locale, queryField(request, "notice")),
        form,
        recovery,
        temporaryHours: TEMPORARY_PASSWORD_TTL_MS / 3600_000,
        ...(temporaryError ? { temporaryError } : {}),
      }),
      form || temporaryError ? 400 : 200,
    );
  };

  app.get("/users/:id", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    return showUser(request, reply, ctx);
  });

  app.get("/users/:id/force-new-password", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    const target = await admin.stores.users.findById(idOf(request));
    if (!target) return notFound(reply, ctx);
    if (!mayActOn(ctx.user, target)) return sendPage(reply, forbiddenPage(ctx), 403);
    // A fresh second factor before the confirmation (issue 14); the POST checks again.
    if (!(await requireFreshProof(deps, reply, ctx, `/users/${target.id}/force-new-password`))) {
      return reply;
    }
    return sendPage(reply, confirmForcePage(ctx, target));
  });

  app.post("/users/:id/force-new-password", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    if (!(await freshProof(reply, ctx, request, "/force-new-password"))) return reply;
    const result = await forceNewPassword(admin, ctx.user, idOf(request), request.ip);
    if (!result.ok) return refused(reply, ctx, result.reason);
    const notice = result.notified ? "forced_emailed" : "forced";
    return reply.redirect(`/users/${result.user.id}?notice=${notice}`, 303);
  });

  /**
   * Unlock a second factor locked by wrong codes (audited): the account gets another run
   * of guesses, so as for the changes below, a fresh second factor first.
   */
  app.post("/users/:id/unlock", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    if (!(await freshProof(reply, ctx, request))) return reply;
    const result = await unlockSecondFactor(admin, ctx.user, idOf(request), request.ip);
    if (!result.ok) return refused(reply, ctx, result.reason);
    return reply.redirect(`/users/${result.user.id}?notice=unlocked`, 303);
  });

  /**
   * Issue 11: a temporary password for a user who forgot theirs. Generated (shown once, on
   * this answer, never stored in clear) or typed; a fresh second factor first.
   */
  app.post("/users/:id/temporary-password", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    if (!(await freshProof(reply, ctx, request))) return reply;
    const generated = formField(request, "generate") === "1";
    const password = generated
      ? generateTemporaryPassword(deps.core.random)
      : formField(request, "password");
    const result = await setTemporaryPassword(
      admin,
      ctx.user,
      idOf(request),
      { password, generated },
      request.ip,
    );
    if (!result.ok) {
      if (result.reason !== "invalid") return refused(reply, ctx, result.reason);
      const error = fieldErrorText(ctx.locale, result.error, {
        ...(result.weakness ? { weakness: result.weakness } : {}),
        ...(result.minLength ? { minLength: result.minLength } : {}),
      });
      return showUser(request, reply, ctx, undefined, error);
    }
    if (!generated || result.expiresAt === null) {
      return reply.redirect(`/users/${result.user.id}?notice=temporary_set`, 303);
    }
    return sendPage(
      reply,
      temporaryPasswordShownPage(ctx, result.user, password, result.expiresAt),
    );
  });

  app.post("/users/:id/edit", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "administrator");
    if (!ctx) return reply;
    if (!(await freshProof(reply, ctx, request))) return reply;
    const values = profileValues(request, PROFILE_FIELDS);
    const result = await editUser(
      admin,
      ctx.user,
      idOf(request),
      {
        displayName: values.displayName ?? "",
        email: values.email ?? "",
        phone: values.phone ?? "",
        role: values.role ?? "",
      },
      request.ip,
    );
    if (result.ok) return reply.redirect(`/users/${result.value.id}?notice=saved`, 303);
    if (result.reason !== "invalid") return refused(reply, ctx, result.reason);
    return showUser(request, reply, ctx, { values, errors: result.errors });
  });

  /**
   * Forget one of the user's remembered devices (issue 11; audited). No step-up: it only
   * takes a shortcut away (the device asks for the second factor again), never gives one.
   */
  app.post("/users/:id/devices/:deviceId/forget", async (request, reply) => {
    const ctx = await requireStaff(deps, request, reply, "supervisor");
    if (!ctx) return reply;
    const target = await admin.stores.users.findById(idOf(request));
    if (!target) return notFound(reply, ctx);
    if (!mayActOn(ctx.user, target)) return sendPage(reply, forbiddenPage(ctx), 403);
    const deviceId = (request.params as { deviceId?: unknown }).deviceId;
    const id = typeof deviceId === "string" && USER_ID.test(deviceId) ? deviceId : "";
    if (!(await forgetDevice(deps.core, ctx.user, target, id, request.ip))) {
      return notFound(reply, ctx);
    }
    return reply.redirect(`/users/${target.id}?notice=device_forgotten`, 303);
  });

  for (const [action, active] of [
    ["deactivate", false],
    ["reactivate", true],
  ] as const) {
    app.post(`/users/:id/${action}`, async (request, reply) => {
      const ctx = await requireStaff(deps, request, reply, "administrator");
      if (!ctx) return reply;
      if (!(await freshProof(reply, ctx, request))) return reply;
      const result = await setUserActive(admin, ctx.user, idOf(request), active, request.ip);
      if (!result.ok) return refused(reply, ctx, result.reason);
      return reply.redirect(`/users/${result.user.id}?notice=${action}d`, 303);
    });
  }
}

function profileValues(request: FastifyRequest, fields: readonly string[]): Record<string, string> {
  // No cut-off here: an over-long value is the core's to refuse, field by field.
  return Object.fromEntries(fields.map((f) => [f, formField(request, f)]));
}

/**
 * A user's recovery codes left, remembered devices, and the phone's clock at their latest
 * wrong app code that showed an offset (issue 11), for a staff page.
 */
export async function recoveryView(core: Core, userId: string): Promise<RecoveryView> {
  const [recoveryLeft, devices, failed] = await Promise.all([
    core.stores.recoveryCodes.countLeft(userId),
    listDevices(core, userId),
    core.stores.audit.list({ userId, type: "second_factor_failed", limit: 50 }),
  ]);
  const offset = failed.find((e) => typeof e.detail.clockOffsetSeconds === "number");
  return {
    recoveryLeft,
    devices,
    clockOffset: offset && {
      offsetSeconds: offset.detail.clockOffsetSeconds as number,
      at: offset.at,
    },
  };
}
