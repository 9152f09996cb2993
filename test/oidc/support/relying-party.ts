// The application's side, played by openid-client v6 (a real relying party): discovery,
// an authorization URL with PKCE (S256), state and nonce, and the code exchange.
import * as client from "openid-client";
import type { CookieBrowser } from "./browser-jar.js";
import { ISSUER, LOGIN_PATH, type OidcServer } from "./oidc-server.js";

export const REDIRECT_URI = "https://app.example.test/callback";

export interface RelyingParty {
  config: client.Configuration;
  clientId: string;
}

export async function relyingParty(
  server: OidcServer,
  registered: { clientId: string; clientSecret?: string },
): Promise<RelyingParty> {
  const config = await client.discovery(
    new URL(ISSUER),
    registered.clientId,
    registered.clientSecret,
    registered.clientSecret ? client.ClientSecretBasic(registered.clientSecret) : client.None(),
    { [client.customFetch]: server.fetch as client.CustomFetch },
  );
  return { config, clientId: registered.clientId };
}

export interface Login {
  account?: string;
  amr?: string[];
  atMs?: number;
  /** Ends the interaction with access_denied and this description instead. */
  error?: string;
}

export interface Authorization {
  /** Where the browser ended: the application's callback with code or error. */
  callback: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/**
 * Browser: authorization URL → (the test-only login route when the provider asks for a
 * sign-in) → back through the provider → the application's callback URL.
 */
export async function authorize(
  rp: RelyingParty,
  browser: CookieBrowser,
  login: Login | undefined,
  params: Record<string, string> = {},
  /** Called with the interaction's uid when the provider sends the browser to sign in. */
  onLogin?: (uid: string) => Promise<void>,
): Promise<Authorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid profile email groups",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...params,
  });
  const atCallback = (u: URL) => u.href.startsWith(REDIRECT_URI);
  let hop = await browser.follow(
    url.href,
    (u) => atCallback(u) || u.pathname.startsWith(LOGIN_PATH),
  );
  if (!atCallback(hop.url)) {
    if (!login) throw new Error(`the provider asked for a sign-in: ${hop.url.href}`);
    await onLogin?.(hop.url.pathname.slice(LOGIN_PATH.length));
    const at = new URL(hop.url);
    if (login.error) at.searchParams.set("error", login.error);
    else {
      at.searchParams.set("account", login.account ?? "");
      at.searchParams.set("amr", (login.amr ?? ["pwd", "otp"]).join(","));
      if (login.atMs) at.searchParams.set("at", String(login.atMs));
    }
    hop = await browser.follow(at.href, atCallback);
  }
  if (!atCallback(hop.url)) {
    throw new Error(`did not reach the callback: ${hop.url.href} ${hop.response?.status}`);
  }
  return { callback: hop.url, verifier, state, nonce };
}

export function exchange(rp: RelyingParty, auth: Authorization) {
  return client.authorizationCodeGrant(rp.config, auth.callback, {
    pkceCodeVerifier: auth.verifier,
    expectedState: auth.state,
    expectedNonce: auth.nonce,
    idTokenExpected: true,
  });
}
