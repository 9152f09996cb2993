import type { FastifyReply, FastifyRequest } from "fastify";
import { startPasswordFlow } from "../core/flow/flow.js";
import { issueForwardToken, judgeForward } from "../core/forward-auth.js";
import { getEnabledMethods } from "../core/policy.js";
import { checkReturnAddress, type ReturnPolicy } from "../core/return-address.js";
import { currentSession } from "../core/sessions.js";
import type { Core } from "../system.js";
import { t } from "../words/catalogue.js";
import { pageContext } from "./context.js";
import { setForwardCookie } from "./forward-cookie.js";
import { sendPage, setCookie, type WebKit } from "./http.js";
import { errorPage } from "./pages.js";

// Login with a forward-auth return address (`/login?rd=…`, where a proxy sends a browser
// that must sign in). A signed-in browser that may pass goes straight there with its
// forward-auth cookie; one that may not is told so; anyone else sees the Login page with
// a flow that ends at `rd` (kept on the flow's row, never read back from a query string).

export interface ForwardReturnDeps {
  kit: WebKit;
  core: Core;
  returnPolicy: ReturnPolicy;
}

/** Answers the request, or returns undefined after starting a flow: the caller shows Login. */
export async function loginWithReturn(
  deps: ForwardReturnDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  rd: string,
): Promise<FastifyReply | undefined> {
  const { kit, core } = deps;
  const url = checkReturnAddress(rd, deps.returnPolicy);
  if (!url) {
    const page = pageContext(kit, request);
    return sendPage(
      reply,
      errorPage(
        page,
        t(page.locale, "forward.refused.title"),
        t(page.locale, "forward.refused.text"),
      ),
      400,
    );
  }
  const host = new URL(url).hostname;
  const signedIn = await currentSession(core, request.cookies[kit.names.session]);
  const verdict = await judgeForward(core, signedIn, host);
  if (verdict.kind === "allowed" && signedIn) {
    const token = await issueForwardToken(core, signedIn.session);
    if (token) {
      setForwardCookie(kit, reply, token);
      return reply.redirect(url, 302);
    }
  }
  if (verdict.kind === "forbidden") {
    const page = pageContext(kit, request, verdict.user);
    const words = { username: verdict.user.username, host };
    return sendPage(
      reply,
      errorPage(
        page,
        t(page.locale, "forward.forbidden.title"),
        t(page.locale, "forward.forbidden.text", words),
      ),
      403,
    );
  }
  // Signed in without a second factor while none is enabled: signing in again could not
  // give one, so say why rather than show Login after every sign-in.
  if (signedIn && (await getEnabledMethods(core.stores.settings)).length === 0) {
    const page = pageContext(kit, request, signedIn.user);
    return sendPage(
      reply,
      errorPage(
        page,
        t(page.locale, "forward.forbidden.title"),
        t(page.locale, "forward.no_second_factor.text", { host }),
      ),
      403,
    );
  }
  const token = await startPasswordFlow(core, { kind: "forward", url });
  // The page's CSRF token and its CSP (form-action) are read from this flow.
  request.cookies[kit.names.signin] = token;
  setCookie(kit, reply, kit.names.signin, token, Math.floor(core.rules.flowTtlMs / 1000));
  return undefined;
}
