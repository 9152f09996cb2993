import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isLoopbackAddress } from "../../core/client-key.js";
import {
  type CodeDeps,
  type CodeMethod,
  codeDestination,
  codeMethodsFor,
  liveCode,
  sendCode,
  verifyCode,
} from "../../core/codes.js";
import type { ChallengeState } from "../../core/ports.js";
import { type Reason, type Refusal, refuse } from "../../core/reasons.js";
import { type LoadedChallenge, loadChallenge } from "../../core/signin.js";
import { maskEmail } from "../../delivery/mask.js";
import type { Outbox } from "../../delivery/outbox.js";
import { maskPhone } from "../../delivery/phone.js";
import { type Html, html } from "../../words/html.js";
import {
  clearCookie,
  csrfToken,
  formField,
  queryField,
  sendPage,
  setCookie,
  type WebKit,
} from "../http.js";
import { REASONS, reasonText } from "../messages.js";
import { type PageContext, setupPage, verifyPage } from "../pages.js";
import { codePanel, noCodeMethod, outboxPage } from "../pages-codes.js";
import type { SignInRouteDeps } from "./signin.js";

export interface CodeRouteDeps {
  kit: WebKit;
  core: CodeDeps;
  /** The development outbox; present only outside production without providers. */
  outbox?: Outbox;
}

export interface CodeRoutes {
  codeOptions: NonNullable<SignInRouteDeps["codeOptions"]>;
  verifyCode: NonNullable<SignInRouteDeps["verifyCode"]>;
  enteredVerify: NonNullable<SignInRouteDeps["enteredVerify"]>;
  plugin: (app: FastifyInstance) => void;
}

const STEP_PATHS: Record<ChallengeState, string> = {
  change_password: "/login/new-password",
  setup_app: "/login/setup",
  verify: "/login/verify",
};

/** Why the first code did not go out, as carried to the verification page (fixed keys). */
const UNSENT = new Set<Reason>(["send_failed", "send_throttled", "second_factor_locked"]);
const MAX_WAIT_SECONDS = 86_400;

/** Sending codes by email/SMS: the controls on the sign-in screens, and their routes. */
export function createCodeRoutes(deps: CodeRouteDeps): CodeRoutes {
  const { kit, core, outbox } = deps;
  const ttlSeconds = Math.floor(core.settings.challengeTtlMs / 1000);
  const masked = (method: CodeMethod, destination: string): string =>
    method === "email" ? maskEmail(destination) : maskPhone(destination);
  const text = (refusal: Refusal): string => reasonText("en", refusal.reason, refusal.retryAfterMs);

  /**
   * With the app not enabled, the first code goes out at once (email first) — from the
   * POST that moved the sign-in into `verify` (password, new password), never from a GET
   * of the page: a cross-site link or a prefetcher must not make us send mail or SMS.
   * A failure travels to the page as a fixed key and a wait in seconds.
   */
  const enteredVerify: CodeRoutes["enteredVerify"] = async (request, token) => {
    const loaded = await loadChallenge(core, token);
    const first = loaded && codeMethodsFor(core, loaded)[0];
    if (
      !loaded ||
      !first ||
      loaded.challenge.state !== "verify" ||
      loaded.methods.includes("app") ||
      (await core.store.getChallengeCode(loaded.challenge.idHash))
    ) {
      return "/login/verify";
    }
    const result = await sendCode(core, loaded, { method: first, ip: request.ip });
    if (result.ok || !UNSENT.has(result.reason)) return "/login/verify";
    if (result.reason === "send_failed") request.log.warn({ method: first }, "code send failed");
    const wait =
      result.retryAfterMs === undefined
        ? ""
        : `&wait=${Math.min(MAX_WAIT_SECONDS, Math.ceil(result.retryAfterMs / 1000))}`;
    return `/login/verify?unsent=${result.reason}${wait}`;
  };

  /** The first send's failure, on a GET of the verification page after enteredVerify. */
  const unsentError = (request: FastifyRequest, loaded: LoadedChallenge): string | undefined => {
    if (request.method !== "GET" || loaded.challenge.state !== "verify") return undefined;
    const reason = queryField(request, "unsent");
    if (!UNSENT.has(reason as Reason)) return undefined;
    const seconds = /^\d{1,5}$/.test(queryField(request, "wait"))
      ? Math.min(MAX_WAIT_SECONDS, Number(queryField(request, "wait")))
      : undefined;
    return reasonText("en", reason as Reason, seconds === undefined ? undefined : seconds * 1000);
  };

  /**
   * The outbox shows every code: only a browser on this machine may see it (or its
   * link). request.ip is the socket's address unless TRUST_PROXY names the proxy.
   */
  const outboxFor = (request: FastifyRequest): boolean =>
    outbox !== undefined && isLoopbackAddress(request.ip) && !forwardedUnread(request);

  /** The code panel under the set-up or verification form. */
  const panel = async (
    loaded: LoadedChallenge,
    ctx: PageContext,
    showOutbox: boolean,
    error?: string,
  ): Promise<Html> => {
    const methods = codeMethodsFor(core, loaded);
    const { challenge, user } = loaded;
    if (methods.length === 0) {
      return challenge.state === "verify" && !loaded.methods.includes("app")
        ? noCodeMethod(ctx)
        : html``;
    }
    const live = await liveCode(core, loaded);
    const wait = live ? await core.quota.userWaitMs(user.id, live.method) : 0;
    const destination = live && codeDestination(core, loaded, live.method);
    return codePanel(ctx, {
      methods,
      sent:
        live && destination
          ? {
              method: live.method,
              destination: masked(live.method, destination),
              minutesLeft: Math.max(1, Math.ceil((live.expiresAt - core.clock.now()) / 60_000)),
            }
          : undefined,
      resendWaitSeconds: wait > 0 ? Math.ceil(wait / 1000) : 0,
      live: Boolean(live),
      showOutbox,
      error,
    });
  };

  const codeOptions: CodeRoutes["codeOptions"] = (request, loaded, ctx) =>
    panel(loaded, ctx, outboxFor(request), unsentError(request, loaded));

  const plugin = (app: FastifyInstance): void => {
    const signinToken = (request: FastifyRequest): string | undefined =>
      request.cookies[kit.names.signin];
    const restart = (reply: FastifyReply, notice: string): FastifyReply => {
      clearCookie(kit, reply, kit.names.signin);
      return reply.redirect(`/login?notice=${notice}`, 303);
    };

    app.post("/login/code", async (request, reply) => {
      const loaded = await loadChallenge(core, signinToken(request));
      if (!loaded) return restart(reply, "expired");
      const field = formField(request, "method", 16);
      const method: CodeMethod | undefined =
        field === "email" || field === "sms" ? field : undefined;
      const result = method
        ? await sendCode(core, loaded, { method, ip: request.ip })
        : refuse("method_unavailable");
      if (result.ok) {
        if (result.token) setCookie(kit, reply, kit.names.signin, result.token, ttlSeconds);
        return reply.redirect("/login/verify", 303);
      }
      if (result.reason === "expired") return restart(reply, "expired");
      if (result.reason === "second_factor_locked") return restart(reply, "locked");
      if (result.reason === "wrong_step") {
        return reply.redirect(STEP_PATHS[loaded.challenge.state], 303);
      }
      if (result.reason === "send_failed") request.log.warn({ method }, "code send failed");
      if (result.retryAfterMs !== undefined) {
        reply.header("retry-after", Math.ceil(result.retryAfterMs / 1000));
      }
      const ctx: PageContext = {
        appName: kit.appName,
        csrf: csrfToken(kit, request),
        locale: "en",
      };
      const extra = await panel(loaded, ctx, outboxFor(request));
      const page =
        loaded.challenge.state === "setup_app"
          ? setupPage(ctx, { username: loaded.user.username, error: text(result), extra })
          : verifyPage(ctx, {
              appEnabled:
                loaded.methods.includes("app") &&
                !!(await core.store.getAuthenticator(loaded.user.id))?.confirmedAt,
              error: text(result),
              extra,
            });
      return sendPage(reply, page, REASONS[result.reason].status);
    });

    if (outbox) {
      // Development only (never registered in production): the codes are shown here.
      app.get("/dev/outbox", async (request, reply) => {
        // Another machine (a staging server on HOST=0.0.0.0) is told there is nothing here.
        if (!outboxFor(request)) return reply.callNotFound();
        const ctx: PageContext = {
          appName: kit.appName,
          csrf: csrfToken(kit, request),
          locale: "en",
        };
        return sendPage(reply, outboxPage(ctx, outbox.list()));
      });
    }
  };

  return {
    codeOptions,
    verifyCode: (token, code, ip) => verifyCode(core, token, code, ip),
    enteredVerify,
    plugin,
  };
}

/**
 * True when a proxy forwarded the request and we cannot tell from where: a reverse proxy
 * on this host without TRUST_PROXY makes every client look like 127.0.0.1. X-Forwarded-For
 * is read only when TRUST_PROXY is set (Fastify defines request.ips only then); the
 * RFC 7239 Forwarded header is never read, so without X-Forwarded-For it hides the client.
 */
function forwardedUnread(request: FastifyRequest): boolean {
  const xff = request.headers["x-forwarded-for"] !== undefined;
  const forwarded = request.headers.forwarded !== undefined;
  if (xff && request.ips === undefined) return true;
  return forwarded && !xff;
}
