import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isLoopbackAddress } from "../../core/client-key.js";
import { DEVICE_COOKIE_MAX_AGE_MS } from "../../core/device-cookie.js";
import { liveCode } from "../../core/factors/codes.js";
import { normaliseAnswer, type Started } from "../../core/factors/factor.js";
import {
  findFlow,
  HOME,
  type LoadedFlow,
  loadFlow,
  type Next,
  startPasswordFlow,
} from "../../core/flow/flow.js";
import { changePassword } from "../../core/flow/new-password.js";
import { submitPassword } from "../../core/flow/password.js";
import { proveEmail, sendEmailProof } from "../../core/flow/prove-email.js";
import { confirmSetup } from "../../core/flow/setup.js";
import { sendFirstCode, verify } from "../../core/flow/verify.js";
import type { Continuation, FlowState } from "../../core/ports/flows.js";
import { type EndedFlow, type Reason, type Refusal, refuse } from "../../core/reasons.js";
import {
  formatRecoveryCode,
  parseRecoveryCode,
  RECOVERY_CODE_COUNT,
} from "../../core/recovery-codes.js";
import { getRememberDays } from "../../core/remembered-devices.js";
import type { ReturnPolicy } from "../../core/return-address.js";
import { newToken } from "../../core/secrets.js";
import { currentSession, currentUser, signOut } from "../../core/sessions.js";
import { maskEmail } from "../../delivery/mask.js";
import { maskPhone } from "../../delivery/phone.js";
import type { Core } from "../../system.js";
import { t } from "../../words/catalogue.js";
import { type Html, html } from "../../words/html.js";
import { pageContext } from "../context.js";
import { leave, noteFlow } from "../continuation.js";
import { clearForwardCookie } from "../forward-cookie.js";
import { loginWithReturn } from "../forward-return.js";
import { requireUser } from "../guards.js";
import { clearCookie, formField, queryField, sendPage, setCookie, type WebKit } from "../http.js";
import { type NOTICES, noticeText, REASONS, reasonText, refusalText } from "../messages.js";
import type { LoadOidc } from "../oidc-seam.js";
import {
  changePasswordPage,
  errorPage,
  homePage,
  loginPage,
  type PageContext,
  setupPage,
  verifyPage,
} from "../pages.js";
import { codePanel, noCodeMethod, sentNotice } from "../pages-codes.js";
import {
  hintText,
  recoveryCodesFile,
  recoveryCodesPage,
  recoveryFormPage,
  verifyHelp,
} from "../pages-recovery.js";
import { proveEmailPage } from "../pages-security.js";
import { keyQr } from "../qr.js";

// The sign-in screens, one module: Login, the forced new password, the app set-up, the
// verification, home and Sign out. Each screen is drawn from the flow's state and the
// factor registry; every rule is in core/flow and core/factors.

export interface LoginRouteDeps {
  kit: WebKit;
  core: Core;
  /** Links the home page shows for a role (supervision). */
  homeLinks: (ctx: PageContext & { user: NonNullable<PageContext["user"]> }) => Html;
  /** The development outbox is there (never in production): code panels link to it. */
  outbox: boolean;
  /** The OpenID Connect provider (a flow for an application ends there). */
  oidc: LoadOidc;
  /** Where forward-auth may send a browser after sign-in (`rd`). */
  returnPolicy: ReturnPolicy;
}

const STEP_PATHS: Record<FlowState, string> = {
  password: "/login",
  prove_email: "/login/prove-email",
  change_password: "/login/new-password",
  setup_app: "/login/setup",
  verify: "/login/verify",
};

/** Refusals that end the flow: the person goes back to Login with a notice. */
const ENDS_FLOW: Partial<Record<Reason, keyof typeof NOTICES>> = {
  expired: "expired",
  too_many_codes: "too_many_codes",
  second_factor_locked: "locked",
  second_factor_locked_for_good: "locked_for_good",
};

/** A browser's device cookie lives this long; each sign-in issues a fresh one. */
const DEVICE_COOKIE_SECONDS = Math.floor(DEVICE_COOKIE_MAX_AGE_MS / 1000);

/** Why the first code did not go out, as carried to the verification page (fixed keys). */
const UNSENT = new Set<Reason>([
  "send_failed",
  "send_throttled",
  "second_factor_locked",
  "second_factor_locked_for_good",
]);
const MAX_WAIT_SECONDS = 86_400;

export function registerLoginRoutes(app: FastifyInstance, deps: LoginRouteDeps): void {
  const { kit, core } = deps;
  const ctx = (request: FastifyRequest): PageContext => pageContext(kit, request);
  const flowToken = (request: FastifyRequest): string | undefined =>
    request.cookies[kit.names.signin];
  const ttlSeconds = Math.floor(core.rules.flowTtlMs / 1000);
  const text = (page: PageContext, refusal: Refusal): string =>
    refusalText(page.locale, refusal, core.rules.passwordRules.minLength);

  /**
   * A flow ended: back to Login with a notice. A sign-in that was going somewhere (an
   * application's) leaves a new flow waiting for the password with the same continuation;
   * a step-up that ended leaves its session as it was and goes back where it came from.
   */
  const restart = async (
    reply: FastifyReply,
    notice: keyof typeof NOTICES,
    ended: EndedFlow = { purpose: "signin", continuation: HOME },
    waitMs?: number,
  ): Promise<FastifyReply> => {
    // A lock's length travels as whole seconds (bounded when read back), never as text.
    const wait =
      waitMs === undefined ? "" : `&wait=${Math.min(MAX_WAIT_SECONDS, Math.ceil(waitMs / 1000))}`;
    return reply.redirect((await endedAddress(reply, notice, ended, wait)).address, 303);
  };

  /**
   * The cookies of a flow that ended, and where the person goes: back to the page a
   * step-up came from, or Login with its notice (a new password flow keeping where an
   * application's sign-in was going).
   */
  const endedAddress = async (
    reply: FastifyReply,
    notice: keyof typeof NOTICES,
    { purpose, continuation }: EndedFlow,
    wait = "",
  ): Promise<{ address: string; signin?: string }> => {
    if (purpose === "step-up" && continuation.kind === "path") {
      clearCookie(kit, reply, kit.names.signin);
      const join = continuation.path.includes("?") ? "&" : "?";
      return { address: `${continuation.path}${join}notice=${notice}` };
    }
    const address = `/login?notice=${notice}${wait}`;
    if (continuation.kind === "home") {
      clearCookie(kit, reply, kit.names.signin);
      return { address };
    }
    const token = await startPasswordFlow(core, continuation);
    setCookie(kit, reply, kit.names.signin, token, ttlSeconds);
    return { address, signin: token };
  };

  /** A refusal that ends the flow: back with its notice, saying for how long a lock lasts. */
  const ended = (reply: FastifyReply, refusal: Refusal, flow?: EndedFlow) => {
    const notice = ENDS_FLOW[refusal.reason] ?? "expired";
    const waitMs = notice === "locked" ? refusal.retryAfterMs : undefined;
    return restart(reply, notice, refusal.ended ?? flow, waitMs);
  };

  /**
   * The session an application's sign-in finishes with (its user, amr, auth_time): only
   * an OpenID Connect continuation reads it, so no other one spends the two lookups.
   */
  const sessionFor = (continuation: Continuation, token: string | undefined) =>
    continuation.kind === "oidc" ? currentSession(core, token) : undefined;

  /** Sends the browser where a step result leads, with the cookie rotated. */
  const follow = async (
    request: FastifyRequest,
    reply: FastifyReply,
    next: Next,
  ): Promise<FastifyReply> => {
    switch (next.kind) {
      case "session":
        clearCookie(kit, reply, kit.names.signin);
        setCookie(kit, reply, kit.names.session, next.token);
        setCookie(kit, reply, kit.names.device, next.deviceCookie, DEVICE_COOKIE_SECONDS);
        if (next.remembered) {
          // Its own cookie, living exactly until the device's fixed expiry (issue 11).
          const seconds = Math.floor((next.remembered.expiresAt - core.clock.now()) / 1000);
          setCookie(kit, reply, kit.names.remember, next.remembered.token, seconds);
        }
        // Where the flow was going: home, a page of ours, an application (continuation.ts).
        return leave(
          deps,
          request,
          reply,
          next.continuation,
          await sessionFor(next.continuation, next.token),
        );
      case "done":
        clearCookie(kit, reply, kit.names.signin);
        return leave(
          deps,
          request,
          reply,
          next.continuation,
          await sessionFor(next.continuation, request.cookies[kit.names.session]),
        );
      case "ended":
        if (core.factors.recovery) {
          return showRecoveryCodes(request, reply, next.continuation, next.recoveryCodes);
        }
        return restart(reply, "app_added", { purpose: "signin", continuation: next.continuation });
      case "flow":
        setCookie(kit, reply, kit.names.signin, next.token, ttlSeconds);
        if (next.state === "verify") {
          return reply.redirect(await enteredVerify(request, next.token), 303);
        }
        if (next.state === "prove_email") {
          // The code goes out from the POST that entered the step, never from a GET.
          const sent = await sendEmailProof(core, next.token, request.ip);
          return reply.redirect(unsentAddress(request, STEP_PATHS.prove_email, sent), 303);
        }
        return reply.redirect(STEP_PATHS[next.state], 303);
    }
  };

  /**
   * Run by the POST whose step moved a flow into `verify` (never by a GET, so a link or a
   * prefetcher cannot make us send anything): with the app not enabled the first code goes
   * out now. A failure travels to the page as a fixed key and a wait in seconds.
   */
  const enteredVerify = async (request: FastifyRequest, token: string): Promise<string> => {
    const first = await sendFirstCode(core, token, request.ip);
    return unsentAddress(request, "/login/verify", first?.result, first?.method);
  };

  /** The step's address, with why its code did not go out (a fixed key and a wait). */
  const unsentAddress = (
    request: FastifyRequest,
    path: string,
    result: Started | Refusal | undefined,
    method = "email",
  ): string => {
    if (!result || result.ok || !UNSENT.has(result.reason)) return path;
    if (result.reason === "send_failed") request.log.warn({ method }, "code send failed");
    const wait =
      result.retryAfterMs === undefined
        ? ""
        : `&wait=${Math.min(MAX_WAIT_SECONDS, Math.ceil(result.retryAfterMs / 1000))}`;
    return `${path}?unsent=${result.reason}${wait}`;
  };

  /**
   * Right after Save (issue 11): the new recovery codes, shown in this response only (a
   * reload re-posts a used code and is refused), with Download and "sign in again". The
   * flow has ended; the cookies are those Login would get, and the page's CSRF token is
   * bound to what the browser holds after this response, so Download works.
   */
  const showRecoveryCodes = async (
    request: FastifyRequest,
    reply: FastifyReply,
    continuation: Continuation,
    codes: string[] | undefined,
  ): Promise<FastifyReply> => {
    const ended = await endedAddress(reply, "app_added", { purpose: "signin", continuation });
    const { cookies } = request;
    if (ended.signin) cookies[kit.names.signin] = ended.signin;
    else delete cookies[kit.names.signin];
    if (!cookies[kit.names.pre]) {
      const pre = newToken(core.random);
      cookies[kit.names.pre] = pre;
      setCookie(kit, reply, kit.names.pre, pre);
    }
    reply.header("cache-control", "no-store");
    return sendPage(reply, recoveryCodesPage(ctx(request), { codes, continueHref: ended.address }));
  };

  /** Loads the flow for a step page, or redirects to where the person belongs. */
  const atStep = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: FlowState,
  ): Promise<LoadedFlow | undefined> => {
    const loaded = await loadFlow(core, flowToken(request));
    if (!loaded) {
      const waiting = await findFlow(core, flowToken(request));
      if (waiting?.state === "password") await reply.redirect("/login", 303);
      else await restart(reply, "expired");
      return undefined;
    }
    if (loaded.flow.state !== state) {
      await reply.redirect(STEP_PATHS[loaded.flow.state], 303);
      return undefined;
    }
    noteFlow(request, loaded.flow);
    return loaded;
  };

  /**
   * The code panel under the set-up or verification form, from the code factors, and the
   * "We sent a code to …" notice that goes above the field.
   */
  const panel = async (
    request: FastifyRequest,
    loaded: LoadedFlow,
    page: PageContext,
  ): Promise<{ sent: Html; extra: Html }> => {
    const methods = core.factors.codes.filter((f) => f.destination(loaded) !== undefined);
    if (methods.length === 0) {
      const extra =
        loaded.flow.state === "verify" && !loaded.methods.includes("app")
          ? noCodeMethod(page)
          : html``;
      return { sent: html``, extra };
    }
    const live = await liveCode(core, loaded);
    const liveFactor = live && core.factors.codes.find((f) => f.id === live.method);
    const to = liveFactor?.destination(loaded);
    const waitMs = liveFactor ? await liveFactor.resendWaitMs(loaded.user.id) : 0;
    const sent =
      live && to
        ? {
            method: live.method,
            destination: live.method === "email" ? maskEmail(to) : maskPhone(to),
            minutesLeft: Math.max(1, Math.ceil((live.expiresAt - core.clock.now()) / 60_000)),
          }
        : undefined;
    const extra = codePanel(page, {
      methods: methods.map((f) => f.id),
      resendWaitSeconds: waitMs > 0 ? Math.ceil(waitMs / 1000) : 0,
      live: Boolean(live),
      showOutbox: outboxFor(request),
      error: unsentError(request, loaded, page),
    });
    return { sent: sentNotice(page, sent), extra };
  };

  /**
   * The development outbox shows every code: only a browser on this machine may see its
   * link. request.ip is the socket's address unless TRUST_PROXY names the proxy.
   */
  const outboxFor = (request: FastifyRequest): boolean =>
    deps.outbox && isLoopbackAddress(request.ip) && !forwardedUnread(request);

  /** The first send's failure, on a GET of the verification page after enteredVerify. */
  const unsentError = (
    request: FastifyRequest,
    loaded: LoadedFlow,
    page: PageContext,
  ): string | undefined => {
    const { state } = loaded.flow;
    if (request.method !== "GET" || (state !== "verify" && state !== "prove_email")) {
      return undefined;
    }
    const reason = queryField(request, "unsent");
    if (!UNSENT.has(reason as Reason)) return undefined;
    const seconds = waitOf(request);
    return reasonText(
      page.locale,
      reason as Reason,
      seconds === undefined ? undefined : seconds * 1000,
    );
  };

  /** A wait in seconds from the query string: digits only, at most a day. */
  const waitOf = (request: FastifyRequest): number | undefined =>
    /^\d{1,5}$/.test(queryField(request, "wait"))
      ? Math.min(MAX_WAIT_SECONDS, Number(queryField(request, "wait")))
      : undefined;

  const renderSetup = async (
    request: FastifyRequest,
    loaded: LoadedFlow,
    show: boolean,
    error?: string,
  ): Promise<Html | undefined> => {
    const page = ctx(request);
    let qr: { svg: Html; grouped: string } | undefined;
    if (show) {
      // Undefined: the flow ended or moved on between loading it and writing its key
      // (expiry, Force New Password, a code sent from another tab).
      const key = await core.factors.app.start(loaded, request.ip);
      if (!key.ok || key.kind !== "key") return undefined;
      qr = { svg: await keyQr(key.uri), grouped: key.grouped };
    }
    const { sent, extra } = await panel(request, loaded, page);
    // After Force New Password the app still holds the removed key's entry (issue 12).
    const replacesOld = (await core.stores.authenticators.history(loaded.user.id)).length > 0;
    return setupPage(page, { username: loaded.user.username, qr, error, replacesOld, sent, extra });
  };

  const renderVerify = async (
    request: FastifyRequest,
    loaded: LoadedFlow,
    error?: string,
  ): Promise<Html> => {
    const page = ctx(request);
    const { sent, extra: codes } = await panel(request, loaded, page);
    // A user who chose an emailed code on the set-up screen has no app to open yet.
    const appEnabled = await core.factors.app.available(loaded);
    const recoveryCodes = (await core.factors.recovery?.available(loaded)) ?? false;
    const help = verifyHelp(page, { triesLeft: triesLeft(loaded), recoveryCodes, appEnabled });
    return verifyPage(page, {
      appEnabled,
      error,
      sent,
      extra: html`${help}${codes}`,
      rememberDays: await rememberDaysFor(loaded),
    });
  };

  /** Tries left on this flow before it ends (issue 11: the screen says so). */
  const triesLeft = (loaded: LoadedFlow): number =>
    Math.max(0, core.rules.maxWrongCodesPerFlow - loaded.flow.failedCodes);

  /** "Remember this device" is offered on a sign-in's verification, when turned on. */
  const rememberDaysFor = async (loaded: LoadedFlow): Promise<number> =>
    loaded.flow.purpose === "signin" ? getRememberDays(loaded.settings) : 0;

  const renderRecovery = async (
    request: FastifyRequest,
    loaded: LoadedFlow,
    error?: string,
  ): Promise<Html> =>
    recoveryFormPage(ctx(request), {
      left: (await core.factors.recovery?.countLeft(loaded.user.id)) ?? 0,
      rememberDays: await rememberDaysFor(loaded),
      triesLeft: triesLeft(loaded),
      error,
    });

  /**
   * The user confirmed an app in another flow (a second tab): this one has nothing left to
   * set up and must not show the key, so it ends like the other did.
   */
  const setupDoneElsewhere = async (reply: FastifyReply, loaded: LoadedFlow): Promise<boolean> => {
    const bound = await core.stores.authenticators.get(loaded.user.id);
    if (!bound?.confirmedAt) return false;
    const shown = await core.stores.flows.getSetupKey(loaded.flow.idHash);
    await core.stores.flows.delete(loaded.flow.idHash);
    // This flow showed a key of its own and another sign-in's key was bound (ten tabs
    // saved at once: one wins): the person may have added ours to their app, so they are
    // told it was not saved, not that their app was added.
    const replaced = shown !== undefined && shown !== bound.secretBox;
    await restart(reply, replaced ? "key_replaced" : "app_added", loaded.flow);
    return true;
  };

  /** The minimum a new password needs here: 15 without a second factor (issue 14). */
  const minLengthFor = (loaded: LoadedFlow): number => {
    const rules = core.rules.passwordRules;
    return loaded.methods.length > 0
      ? rules.minLength
      : Math.max(rules.minLength, rules.singleFactorMinLength);
  };

  app.get("/login", async (request, reply) => {
    // A proxy sent the browser here to sign in for an application (forward-auth).
    const rd = queryField(request, "rd");
    if (rd !== "") {
      const answered = await loginWithReturn(deps, request, reply, rd);
      if (answered) return answered;
    }
    if (!request.cookies[kit.names.pre]) {
      // A fresh pre-sign-in cookie; the page's CSRF token is bound to it.
      const pre = newToken(core.random);
      request.cookies[kit.names.pre] = pre;
      setCookie(kit, reply, kit.names.pre, pre);
    }
    const page = ctx(request);
    const notice = noticeText(page.locale, queryField(request, "notice"), waitOf(request));
    return sendPage(
      reply,
      loginPage(page, notice?.refusal ? { error: notice.text } : { notice: notice?.text }),
    );
  });

  app.post("/login", async (request, reply) => {
    const username = formField(request, "username", 256);
    const token = flowToken(request);
    const result = await submitPassword(core, {
      username,
      password: formField(request, "password"),
      ip: request.ip,
      userAgent: request.headers["user-agent"] ?? null,
      current: token === undefined ? undefined : await findFlow(core, token),
      deviceCookie: request.cookies[kit.names.device],
      remembered: { token: request.cookies[kit.names.remember], userAgent: userAgentOf(request) },
    });
    if (!result.ok) {
      const page = ctx(request);
      return refusePage(reply, result, () =>
        loginPage(page, { username, error: text(page, result) }),
      );
    }
    return follow(request, reply, result);
  });

  const renderProveEmail = (request: FastifyRequest, loaded: LoadedFlow, error?: string) => {
    const page = ctx(request);
    return proveEmailPage(page, {
      destination: loaded.user.email ? maskEmail(loaded.user.email) : "",
      error: error ?? unsentError(request, loaded, page),
    });
  };

  app.get("/login/prove-email", async (request, reply) => {
    const loaded = await atStep(request, reply, "prove_email");
    if (!loaded) return reply;
    return sendPage(reply, renderProveEmail(request, loaded));
  });

  app.post("/login/prove-email", async (request, reply) => {
    const code = typedCode(request);
    const result = await proveEmail(core, flowToken(request), code, request.ip);
    if (result.ok) return follow(request, reply, result);
    if (ENDS_FLOW[result.reason]) return ended(reply, result);
    const loaded = await atStep(request, reply, "prove_email");
    if (!loaded) return reply;
    return refusePage(reply, result, () =>
      renderProveEmail(request, loaded, text(ctx(request), result)),
    );
  });

  /** Send a new code for the email proof. */
  app.post("/login/prove-email/send", async (request, reply) => {
    const loaded = await atStep(request, reply, "prove_email");
    if (!loaded) return reply;
    const result = await sendEmailProof(core, flowToken(request), request.ip);
    if (!result || result.ok) return reply.redirect(STEP_PATHS.prove_email, 303);
    if (ENDS_FLOW[result.reason]) return ended(reply, result);
    if (result.reason === "send_failed") request.log.warn("code send failed");
    return refusePage(reply, result, () =>
      renderProveEmail(request, loaded, text(ctx(request), result)),
    );
  });

  app.get("/login/new-password", async (request, reply) => {
    const loaded = await atStep(request, reply, "change_password");
    if (!loaded) return reply;
    return sendPage(reply, changePasswordPage(ctx(request), { minLength: minLengthFor(loaded) }));
  });

  app.post("/login/new-password", async (request, reply) => {
    const result = await changePassword(core, flowToken(request), {
      newPassword: formField(request, "newPassword"),
      confirmPassword: formField(request, "confirmPassword"),
      ip: request.ip,
      userAgent: request.headers["user-agent"] ?? null,
    });
    if (result.ok) return follow(request, reply, result);
    if (ENDS_FLOW[result.reason]) return ended(reply, result);
    if (result.reason === "wrong_step") return reply.redirect("/login", 303);
    const page = ctx(request);
    const loaded = await loadFlow(core, flowToken(request));
    const minLength = loaded ? minLengthFor(loaded) : core.rules.passwordRules.minLength;
    return refusePage(reply, result, () =>
      changePasswordPage(page, { minLength, error: refusalText(page.locale, result, minLength) }),
    );
  });

  app.get("/login/setup", async (request, reply) => {
    const loaded = await atStep(request, reply, "setup_app");
    if (!loaded || (await setupDoneElsewhere(reply, loaded))) return reply;
    const page = await renderSetup(request, loaded, queryField(request, "show") === "1");
    return page ? sendPage(reply, page) : restart(reply, "expired", loaded.flow);
  });

  app.post("/login/setup", async (request, reply) => {
    const result = await confirmSetup(core, flowToken(request), typedCode(request), request.ip);
    if (result.ok) return follow(request, reply, result);
    if (ENDS_FLOW[result.reason]) return ended(reply, result);
    const loaded = await atStep(request, reply, "setup_app");
    if (!loaded || (await setupDoneElsewhere(reply, loaded))) return reply;
    const page = await renderSetup(request, loaded, true, text(ctx(request), result));
    return page ? refusePage(reply, result, () => page) : restart(reply, "expired", loaded.flow);
  });

  app.get("/login/verify", async (request, reply) => {
    const loaded = await atStep(request, reply, "verify");
    if (!loaded) return reply;
    return sendPage(reply, await renderVerify(request, loaded));
  });

  app.post("/login/verify", async (request, reply) => {
    const code = typedCode(request);
    const remember =
      formField(request, "remember", 8) === "1" ? { userAgent: userAgentOf(request) } : undefined;
    const result = await verify(
      core,
      flowToken(request),
      code,
      request.ip,
      remember,
      request.headers["user-agent"] ?? null,
    );
    if (result.ok) return follow(request, reply, result);
    if (ENDS_FLOW[result.reason]) return ended(reply, result);
    const loaded = await atStep(request, reply, "verify");
    if (!loaded) return reply;
    const page = ctx(request);
    const hint = hintText(page.locale, result.hint);
    const error =
      result.hint?.kind === "used" ? hint : [text(page, result), hint].filter(Boolean).join(" ");
    return refusePage(reply, result, () =>
      formField(request, "form", 16) === "recovery"
        ? renderRecovery(request, loaded, error)
        : renderVerify(request, loaded, error),
    );
  });

  /** "Use a recovery code": its own form, judged by the same verification (issue 11). */
  app.get("/login/verify/recovery", async (request, reply) => {
    const loaded = await atStep(request, reply, "verify");
    if (!loaded) return reply;
    return sendPage(reply, await renderRecovery(request, loaded));
  });

  /**
   * Download of the codes just shown: the page's own form posts them back and gets them as
   * a text file (no JS, nothing kept in clear on the server). Only codes of our form, at
   * most a set's worth, are echoed, as an attachment: never a page of the sender's making.
   */
  app.post("/login/recovery-codes.txt", async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const sent = Array.isArray(body.codes) ? body.codes : [body.codes];
    const codes = sent
      .filter((c): c is string => typeof c === "string")
      .map((c) => parseRecoveryCode(c))
      .filter((c): c is string => c !== undefined)
      .map(formatRecoveryCode);
    if (codes.length === 0 || codes.length !== sent.length || codes.length > RECOVERY_CODE_COUNT) {
      const page = ctx(request);
      return sendPage(
        reply,
        errorPage(
          page,
          t(page.locale, "codes_shown.title"),
          t(page.locale, "codes_shown.bad_download"),
        ),
        400,
      );
    }
    return reply
      .code(200)
      .header("content-type", "text/plain; charset=utf-8")
      .header(
        "content-disposition",
        `attachment; filename="${kit.appName.replace(/[^\w.-]+/g, "-")}-recovery-codes.txt"`,
      )
      .header("cache-control", "no-store")
      .send(recoveryCodesFile(ctx(request).locale, kit.appName, codes));
  });

  /** Send verification code via email / SMS, from the set-up or verification screen. */
  app.post("/login/code", async (request, reply) => {
    const loaded = await loadFlow(core, flowToken(request));
    if (!loaded) return restart(reply, "expired");
    const method = formField(request, "method", 16);
    const factor = core.factors.codes.find((f) => f.id === method);
    const result: Started | Refusal = factor
      ? await factor.start(loaded, request.ip)
      : refuse("method_unavailable");
    if (result.ok) {
      if (result.kind === "sent" && result.token) {
        setCookie(kit, reply, kit.names.signin, result.token, ttlSeconds);
      }
      return reply.redirect("/login/verify", 303);
    }
    if (result.reason === "expired") return restart(reply, "expired", loaded.flow);
    if (ENDS_FLOW[result.reason]) return ended(reply, result, loaded.flow);
    if (result.reason === "wrong_step") {
      return reply.redirect(STEP_PATHS[loaded.flow.state], 303);
    }
    if (result.reason === "send_failed") request.log.warn({ method }, "code send failed");
    const error = reasonText(ctx(request).locale, result.reason, result.retryAfterMs);
    const page =
      loaded.flow.state === "setup_app"
        ? await renderSetup(request, loaded, false, error)
        : await renderVerify(request, loaded, error);
    return refusePage(reply, result, () => page ?? renderVerify(request, loaded));
  });

  /** Cancel on the set-up screen: the sign-in (and the key it holds) ends, back to Login. */
  app.post("/login/cancel", async (request, reply) => {
    await signOut(core, { flow: flowToken(request) }, undefined, request.ip);
    clearCookie(kit, reply, kit.names.signin);
    return reply.redirect("/login", 303);
  });

  app.get("/", async (request, reply) => {
    const page = await requireUser({ kit, core }, request, reply);
    if (!page) return reply;
    return sendPage(reply, homePage(page, deps.homeLinks(page)));
  });

  app.post("/logout", async (request, reply) => {
    const token = request.cookies[kit.names.session];
    const user = token ? await currentUser(core, token) : undefined;
    // The flow behind this browser ends too (with the set-up key it holds).
    await signOut(core, { session: token, flow: flowToken(request) }, user, request.ip);
    clearCookie(kit, reply, kit.names.session);
    clearCookie(kit, reply, kit.names.signin);
    clearForwardCookie(kit, reply);
    return reply.redirect("/login?notice=signed_out", 303);
  });
}

/** The code field as the factors read it (`123 456` and `123-456` are the digits). */
function typedCode(request: FastifyRequest): string {
  return normaliseAnswer(formField(request, "code", 64));
}

async function refusePage(
  reply: FastifyReply,
  refusal: Refusal,
  page: () => Html | Promise<Html>,
): Promise<FastifyReply> {
  if (refusal.retryAfterMs !== undefined) {
    reply.header("retry-after", Math.ceil(refusal.retryAfterMs / 1000));
  }
  return sendPage(reply, await page(), REASONS[refusal.reason].status);
}

/**
 * True when a proxy forwarded the request and we cannot tell from where: a reverse proxy
 * on this host without TRUST_PROXY makes every client look like 127.0.0.1. X-Forwarded-For
 * is read only when TRUST_PROXY is set (Fastify defines request.ips only then); the
 * RFC 7239 Forwarded header is never read, so without X-Forwarded-For it hides the client.
 */
export function forwardedUnread(request: FastifyRequest): boolean {
  const xff = request.headers["x-forwarded-for"] !== undefined;
  const forwarded = request.headers.forwarded !== undefined;
  if (xff && request.ips === undefined) return true;
  return forwarded && !xff;
}

/** How a browser describes itself, for the list of remembered devices (display only). */
function userAgentOf(request: FastifyRequest): string {
  const agent = request.headers["user-agent"];
  return typeof agent === "string" ? agent.slice(0, 256) : "";
}
