import { errors, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { hasSecondFactor, mfaRequired } from "./login.js";

// Two rules of Vestibule's provider beside the stock ones: the second factor some
// clients and requests require, and first-party grants (no consent screen).

/**
 * Requires a second factor where the client or the request asks for one. With no
 * sign-in yet (or one without a second factor) the sign-in pages are asked for one;
 * when they hand back a sign-in without a second factor, the authorization ends with
 * unmet_authentication_requirements at the client (OIDC Core §3.1.2.6).
 */
export const secondFactorCheck = new interactionPolicy.Check(
  "mfa_required",
  "a second factor is required for this application",
  // prompt=none cannot ask for one: a sign-in is needed, as without a session.
  "login_required",
  (ctx) => {
    const { oidc } = ctx;
    const requireMfa = (oidc.client as { require_mfa?: unknown } | undefined)?.require_mfa;
    const acrValues = oidc.params?.acr_values as string | undefined;
    if (!mfaRequired(requireMfa === true, acrValues))
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    if (hasSecondFactor(oidc.session?.amr)) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    if (oidc.result?.login) {
      throw new errors.UnmetAuthenticationRequirements(
        "a second factor is required for this application",
      );
    }
    return interactionPolicy.Check.REQUEST_PROMPT;
  },
);

/**
 * Every client is first-party (an operator added it), so no consent screen: the grant
 * holds the scopes the application asks for, created or extended here.
 */
export async function firstPartyGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const accountId = oidc.session?.accountId;
  const clientId = oidc.client?.clientId;
  if (!oidc.session || !accountId || !clientId) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (grant && (grant.accountId !== accountId || grant.clientId !== clientId)) grant = undefined;
  grant ??= new oidc.provider.Grant({ accountId, clientId });
  const granted = new Set(grant.getOIDCScopeEncountered().split(" "));
  const missing = [...oidc.requestParamOIDCScopes].filter((s) => !granted.has(s));
  if (missing.length > 0 || !grant.jti) {
    grant.addOIDCScope(missing.join(" "));
    await grant.save();
  }
  return grant;
}
