import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import QRCode from "qrcode";
import type { ChallengeState } from "../../core/ports.js";
import type { Reason, Refusal } from "../../core/reasons.js";
import type { SecondFactorDeps } from "../../core/second-factor.js";
import { confirmSetup, setupKey, verifyAppCode } from "../../core/second-factor.js";
import { newToken } from "../../core/secrets.js";
import {
  changePassword,
  currentUser,
  type LoadedChallenge,
  loadChallenge,
  type Next,
  signOut,
  submitPassword,
} from "../../core/signin.js";
import type { Html } from "../../words/html.js";
import { raw } from "../../words/html.js";
import {
  clearCookie,
  csrfToken,
  formField,
  queryField,
  sendPage,
  setCookie,
  type WebKit,
} from "../http.js";
import { type NOTICES, noticeText, REASONS, reasonText } from "../messages.js";
import {
  changePasswordPage,
  homePage,
  loginPage,
  type PageContext,
  setupPage,
  verifyPage,
} from "../pages.js";

export interface SignInRouteDeps {
  kit: WebKit;
  core: SecondFactorDeps;
  /** Links the home page shows for a role; filled in by the supervision routes. */
  homeLinks?: (ctx: PageContext & { user: NonNullable<PageContext["user"]> }) => Html;
  /** Extra controls (send code by email/SMS) for the set-up and verification screens. */
  codeOptions?: (
    request: FastifyRequest,
    loaded: LoadedChallenge,
    ctx: PageContext,
  ) => Promise<Html>;
  /** Confirm on the verification screen; the codes routes also accept emailed/SMS codes. */
  verifyCode?: (token: string | undefined, code: string, ip: string) => Promise<Next | Refusal>;
  /**
   * Run by the POST whose step moved a pending sign-in into `verify` (never by a GET, so a
   * link or a prefetcher cannot make us send anything): the codes routes send the first
   * email/SMS code there when the app is not enabled. Returns where the browser goes next.
   */
  enteredVerify?: (request: FastifyRequest, token: string) => Promise<string>;
}

const STEP_PATHS: Record<ChallengeState, string> = {
  change_password: "/login/new-password",
  setup_app: "/login/setup",
  verify: "/login/verify",
};

export function registerSignInRoutes(app: FastifyInstance, deps: SignInRouteDeps): void {
  const { kit, core } = deps;
  const ctx = (request: FastifyRequest): PageContext => ({
    appName: kit.appName,
    csrf: csrfToken(kit, request),
    locale: "en",
  });
  const signinToken = (request: FastifyRequest): string | undefined =>
    request.cookies[kit.names.signin];
  const ttlSeconds = Math.floor(core.settings.challengeTtlMs / 1000);

  /** Sends the browser where a step result leads, with the cookie rotated. */
  const follow = async (
    request: FastifyRequest,
    reply: FastifyReply,
    next: Next,
  ): Promise<FastifyReply> => {
    if (next.kind === "session") {
      clearCookie(kit, reply, kit.names.signin);
      setCookie(kit, reply, kit.names.session, next.token);
      return reply.redirect("/", 303);
    }
    setCookie(kit, reply, kit.names.signin, next.token, ttlSeconds);
    if (next.state === "verify" && deps.enteredVerify) {
      return reply.redirect(await deps.enteredVerify(request, next.token), 303);
    }
    return reply.redirect(STEP_PATHS[next.state], 303);
  };

  /** A refusal that ends the pending sign-in sends the user back to Login with a notice. */
  const restart = (reply: FastifyReply, notice: keyof typeof NOTICES): FastifyReply => {
    clearCookie(kit, reply, kit.names.signin);
    return reply.redirect(`/login?notice=${notice}`, 303);
  };
  const ENDS_SIGNIN: Partial<Record<Reason, keyof typeof NOTICES>> = {
    expired: "expired",
    too_many_codes: "too_many_codes",
    second_factor_locked: "locked",
  };

  /** Loads the pending sign-in for a step page, or redirects to where the user belongs. */
  const atStep = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: ChallengeState,
  ): Promise<LoadedChallenge | undefined> => {
    const loaded = await loadChallenge(core, signinToken(request));
    if (!loaded) {
      restart(reply, "expired");
      return undefined;
    }
    if (loaded.challenge.state !== state) {
      reply.redirect(STEP_PATHS[loaded.challenge.state], 303);
      return undefined;
    }
    return loaded;
  };

  app.get("/login", async (request, reply) => {
    if (!request.cookies[kit.names.pre]) {
      // A fresh pre-sign-in cookie; the page's CSRF token is bound to it.
      const pre = newToken(core.random);
      request.cookies[kit.names.pre] = pre;
      setCookie(kit, reply, kit.names.pre, pre);
    }
    const page = ctx(request);
    const notice = noticeText(page.locale, queryField(request, "notice"));
    return sendPage(reply, loginPage(page, { notice }));
  });

  app.post("/login", async (request, reply) => {
    const username = formField(request, "username", 256);
    const result = await submitPassword(core, {
      username,
      password: formField(request, "password", 1024),
      ip: request.ip,
    });
    if (!result.ok)
      return refusePage(reply, result, () =>
        loginPage(ctx(request), { username, error: text(result) }),
      );
    return follow(request, reply, result);
  });

  app.get("/login/new-password", async (request, reply) => {
    if (!(await atStep(request, reply, "change_password"))) return reply;
    return sendPage(
      reply,
      changePasswordPage(ctx(request), { minLength: core.settings.passwordRules.minLength }),
    );
  });

  app.post("/login/new-password", async (request, reply) => {
    const result = await changePassword(core, signinToken(request), {
      newPassword: formField(request, "newPassword", 4096),
      confirmPassword: formField(request, "confirmPassword", 4096),
      ip: request.ip,
    });
    if (result.ok) return follow(request, reply, result);
    const ends = ENDS_SIGNIN[result.reason];
    if (ends) return restart(reply, ends);
    if (result.reason === "wrong_step") return reply.redirect("/login", 303);
    return refusePage(reply, result, () =>
      changePasswordPage(ctx(request), {
        minLength: core.settings.passwordRules.minLength,
        error: text(result),
      }),
    );
  });

  const renderSetup = async (
    request: FastifyRequest,
    loaded: LoadedChallenge,
    show: boolean,
    error?: string,
  ): Promise<Html | undefined> => {
    const page = ctx(request);
    let qr: { svg: Html; grouped: string } | undefined;
    if (show) {
      // Undefined: the pending sign-in ended or moved on between loading it and writing
      // its key (expiry, Force New Password, a code sent from another tab).
      const key = await setupKey(core, loaded);
      if (key.ok === false) return undefined;
      const svg = await QRCode.toString(key.uri, {
        type: "svg",
        errorCorrectionLevel: "M",
        margin: 4,
      });
      qr = { svg: raw(svg), grouped: key.grouped };
    }
    const extra = deps.codeOptions ? await deps.codeOptions(request, loaded, page) : undefined;
    return setupPage(page, { username: loaded.user.username, qr, error, extra });
  };

  /**
   * The user confirmed an app in another pending sign-in (a second tab): this one has
   * nothing left to set up and must not show the key, so it ends like the other did.
   */
  const setupDoneElsewhere = async (
    reply: FastifyReply,
    loaded: LoadedChallenge,
  ): Promise<boolean> => {
    if (!(await core.store.getAuthenticator(loaded.user.id))?.confirmedAt) return false;
    await core.store.deleteChallenge(loaded.challenge.idHash);
    restart(reply, "app_added");
    return true;
  };

  app.get("/login/setup", async (request, reply) => {
    const loaded = await atStep(request, reply, "setup_app");
    if (!loaded || (await setupDoneElsewhere(reply, loaded))) return reply;
    const page = await renderSetup(request, loaded, queryField(request, "show") === "1");
    return page ? sendPage(reply, page) : restart(reply, "expired");
  });

  app.post("/login/setup", async (request, reply) => {
    const result = await confirmSetup(
      core,
      signinToken(request),
      formField(request, "code", 64).trim(),
      request.ip,
    );
    if (result.ok) return restart(reply, "app_added");
    const ends = ENDS_SIGNIN[result.reason];
    if (ends) return restart(reply, ends);
    const loaded = await atStep(request, reply, "setup_app");
    if (!loaded || (await setupDoneElsewhere(reply, loaded))) return reply;
    const page = await renderSetup(request, loaded, true, text(result));
    return page ? refusePage(reply, result, () => page) : restart(reply, "expired");
  });

  const renderVerify = async (
    request: FastifyRequest,
    loaded: LoadedChallenge,
    error?: string,
  ): Promise<Html> => {
    const page = ctx(request);
    const extra = deps.codeOptions ? await deps.codeOptions(request, loaded, page) : undefined;
    // A user who chose an emailed code on the set-up screen has no app to open yet.
    const appEnabled =
      loaded.methods.includes("app") &&
      !!(await core.store.getAuthenticator(loaded.user.id))?.confirmedAt;
    return verifyPage(page, { appEnabled, error, extra });
  };

  app.get("/login/verify", async (request, reply) => {
    const loaded = await atStep(request, reply, "verify");
    if (!loaded) return reply;
    return sendPage(reply, await renderVerify(request, loaded));
  });

  app.post("/login/verify", async (request, reply) => {
    const code = formField(request, "code", 64).trim();
    const result = deps.verifyCode
      ? await deps.verifyCode(signinToken(request), code, request.ip)
      : await verifyAppCode(core, signinToken(request), code, request.ip);
    if (result.ok) return follow(request, reply, result);
    const ends = ENDS_SIGNIN[result.reason];
    if (ends) return restart(reply, ends);
    const loaded = await atStep(request, reply, "verify");
    if (!loaded) return reply;
    return refusePage(reply, result, () => renderVerify(request, loaded, text(result)));
  });

  app.get("/", async (request, reply) => {
    const user = await currentUser(core, request.cookies[kit.names.session]);
    if (!user) return reply.redirect("/login", 303);
    const page = { ...ctx(request), user };
    return sendPage(reply, homePage(page, deps.homeLinks ? deps.homeLinks(page) : raw("")));
  });

  app.post("/logout", async (request, reply) => {
    const token = request.cookies[kit.names.session];
    const user = token ? await currentUser(core, token) : undefined;
    // The pending sign-in behind this browser ends too (with the set-up key it holds).
    await signOut(core, { session: token, signin: signinToken(request) }, user, request.ip);
    clearCookie(kit, reply, kit.names.session);
    clearCookie(kit, reply, kit.names.signin);
    return reply.redirect("/login?notice=signed_out", 303);
  });

  function text(refusal: Refusal): string {
    return reasonText(
      "en",
      refusal.reason,
      refusal.retryAfterMs,
      core.settings.passwordRules.minLength,
    );
  }
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
