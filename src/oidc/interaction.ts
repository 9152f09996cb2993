import type { IncomingMessage, ServerResponse } from "node:http";
import { errors, type Interaction } from "oidc-provider";
import { type LoginResult, mfaRequired, providerLogin } from "./login.js";
import type { Oidc } from "./provider.js";

// The seam between the provider and Vestibule's sign-in pages. An authorization request
// that needs a sign-in is sent to interactionPath(uid); the pages run the ordinary
// sign-in and finish the interaction with what the person proved (or with an error);
// the browser then returns through the provider to the application.
//
// Binding: the provider sets a signed cookie on the browser it sends to
// interactionPath(uid). interactionDetails() reads it, so an interaction id in a link
// cannot be taken over by another browser: read the details at the entry page, keep
// the uid on the pending sign-in, finish by that uid at the end.

export interface InteractionDetails {
  uid: string;
  /** "login" (sign-in needed) or "consent" (the request said prompt=consent). */
  prompt: { name: string; reasons: string[] };
  client: { clientId: string; name: string };
  /** The authorization request's parameters (scope, prompt, max_age, login_hint, acr_values, ui_locales…). */
  params: Record<string, unknown>;
  /** The user of the provider's session, when the browser has one (an earlier application). */
  sessionAccountId: string | undefined;
  /** A sign-in without a second factor ends in unmet_authentication_requirements. */
  mfaRequired: boolean;
  /** prompt=login: the person must enter the password again even with a Vestibule session. */
  freshLoginRequired: boolean;
  /**
   * The application's origin, where the browser ends: the CSP form-action of the page
   * whose form post leads there must list it beside 'self' (Chromium applies form-action
   * to every redirect after a form post).
   */
  redirectOrigin: string;
}

export type FinishResult =
  | { ok: true; redirectTo: string }
  | { ok: false; reason: "interaction_expired" };

async function describe(oidc: Oidc, interaction: Interaction): Promise<InteractionDetails> {
  const params = interaction.params as Record<string, unknown>;
  const clientId = String(params.client_id ?? "");
  const client = await oidc.provider.Client.find(clientId);
  const requireMfa = (client as { require_mfa?: unknown } | undefined)?.require_mfa === true;
  const reasons = interaction.prompt.reasons;
  return {
    uid: interaction.uid,
    prompt: { name: interaction.prompt.name, reasons },
    client: { clientId, name: client?.clientName ?? clientId },
    params,
    sessionAccountId: interaction.session?.accountId,
    mfaRequired: mfaRequired(requireMfa, params.acr_values as string | undefined),
    freshLoginRequired: reasons.includes("login_prompt"),
    redirectOrigin: URL.parse(String(params.redirect_uri ?? ""))?.origin ?? "null",
  };
}

/**
 * The interaction this browser was sent to sign in for (from the provider's signed
 * interaction cookie), or undefined when it has none or it expired. Call at the entry
 * page, interactionPath(uid), and check that the uid matches the path's.
 */
export async function interactionDetails(
  oidc: Oidc,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<InteractionDetails | undefined> {
  try {
    return await describe(oidc, await oidc.provider.interactionDetails(req, res));
  } catch (err) {
    if (err instanceof errors.SessionNotFound) return undefined;
    throw err;
  }
}

/** The details again by uid (a later sign-in page), after the entry page bound it. */
export async function interactionByUid(
  oidc: Oidc,
  uid: string,
): Promise<InteractionDetails | undefined> {
  const interaction = await oidc.provider.Interaction.find(uid);
  return interaction ? describe(oidc, interaction) : undefined;
}

async function finish(oidc: Oidc, uid: string, result: Record<string, unknown>) {
  const interaction = await oidc.provider.Interaction.find(uid);
  if (!interaction) return { ok: false as const, reason: "interaction_expired" as const };
  interaction.result = result;
  await interaction.persist();
  return { ok: true as const, redirectTo: interaction.returnTo };
}

/**
 * The person signed in: send the browser to `redirectTo` (303). The result answers the
 * login prompt and, since every client is first-party, a prompt=consent too.
 */
export function finishLogin(oidc: Oidc, uid: string, login: LoginResult): Promise<FinishResult> {
  return finish(oidc, uid, { login: providerLogin(login), consent: {} });
}

/** The sign-in cannot give the application a user: it gets `error` at its redirect_uri. */
export function finishWithError(
  oidc: Oidc,
  uid: string,
  error: "access_denied" | "login_required" | "interaction_required",
  description: string,
): Promise<FinishResult> {
  return finish(oidc, uid, { error, error_description: description });
}
