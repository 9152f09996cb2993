import type { FastifyInstance } from "fastify";
import { startPasswordFlow } from "../../core/flow/flow.js";
import { proofAnswers } from "../../core/proof.js";
import { currentSession } from "../../core/sessions.js";
import { t } from "../../words/catalogue.js";
import { pageContext } from "../context.js";
import { type ContinuationDeps, leave } from "../continuation.js";
import { sendPage, setCookie } from "../http.js";
import { OIDC_SIGNIN_PATH } from "../oidc-seam.js";
import { errorPage } from "../pages.js";

// Where the OpenID Connect provider sends a browser that must sign in for an application
// (src/oidc/interaction.ts). The interaction is read from the provider's signed cookie, so
// an interaction id in a link cannot be taken over by another browser; its id then rides
// on the flow (continuation `oidc`) through Login, the second factor, set-up or a forced
// new password, and the last step finishes it (continuation.ts `leave`).

export function registerOidcEntry(app: FastifyInstance, deps: ContinuationDeps): void {
  const { kit, core } = deps;
  app.get<{ Params: { uid: string } }>(`${OIDC_SIGNIN_PATH}:uid`, async (request, reply) => {
    const seam = await deps.oidc();
    const details = await seam.details(request.raw, reply.raw);
    if (!details || details.uid !== request.params.uid) {
      const page = pageContext(kit, request);
      return sendPage(
        reply,
        errorPage(page, t(page.locale, "oidc.expired.title"), t(page.locale, "oidc.expired.text")),
        400,
      );
    }
    // Issue 11: `mfa` keeps a remembered device from skipping the code this client needs.
    const continuation = details.mfaRequired
      ? ({ kind: "oidc", uid: details.uid, mfa: true } as const)
      : ({ kind: "oidc", uid: details.uid } as const);
    // Signed in already, with a proof that answers the request: on to the application.
    const signedIn = await currentSession(core, request.cookies[kit.names.session]);
    const maxAge = Number(details.params.max_age);
    const asked = {
      secondFactor: details.mfaRequired,
      maxAgeMs:
        details.params.max_age === undefined || !Number.isFinite(maxAge)
          ? undefined
          : maxAge * 1000,
      fresh: details.freshLoginRequired,
    };
    if (signedIn && proofAnswers(signedIn.session, asked, core.clock.now())) {
      return leave(deps, request, reply, continuation, signedIn);
    }
    const token = await startPasswordFlow(core, continuation);
    setCookie(kit, reply, kit.names.signin, token, Math.floor(core.rules.flowTtlMs / 1000));
    return reply.redirect("/login", 303);
  });
}
