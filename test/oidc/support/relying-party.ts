// The application's side, played by openid-client v6 (a real relying party): discovery,
// an authorization URL with PKCE (S256), state and nonce, and the code exchange. The
// browser between them signs in through Vestibule's real pages (signInPages).
import * as client from "openid-client";
import { finishWithError } from "../../../src/oidc/interaction.js";
import type { CookieBrowser } from "./browser-jar.js";
import { ISSUER, LOGIN_PATH, type OidcServer, type TestUser } from "./oidc-server.js";

export const REDIRECT_URI = "https://app.example.test/callback";

export interface RelyingParty {
  config: client.Configuration;
  clientId: string;
  server: OidcServer;
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
  return { config, clientId: registered.clientId, server };
}

export type Login =
  /** Signs in as this user through Login (and the verification page when it comes). */
  | { user: TestUser }
  /** The sign-in pages end the interaction with access_denied and this description. */
  | { error: string };

export interface Authorization {
  /** Where the browser ended: the application's callback with code or error. */
  callback: URL;
  verifier: string;
  state: string;
  nonce: string;
}

const csrfOf = (html: string): string => /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? "";

async function postForm(
  browser: CookieBrowser,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return browser.request(path, {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * A person at Vestibule's Login page: username and password, then a code from the
 * authenticator app when the verification page comes. Returns where the last step sent
 * the browser (the provider, for an application's sign-in).
 */
export async function signInPages(
  server: OidcServer,
  browser: CookieBrowser,
  user: TestUser,
  headers: Record<string, string> = {},
): Promise<URL> {
  const base = new URL(server.publicUrl);
  const login = await browser.request("/login", { headers });
  if (login.status !== 200) throw new Error(`Login answered ${login.status}`);
  let answer = await postForm(
    browser,
    "/login",
    { _csrf: csrfOf(await login.text()), username: user.username, password: user.password },
    headers,
  );
  for (let step = 0; step < 3; step++) {
    const location = answer.headers.get("location");
    if (answer.status !== 303 || !location) {
      throw new Error(`sign-in step answered ${answer.status}: ${await answer.text()}`);
    }
    const next = new URL(location, base);
    if (next.origin !== base.origin || next.pathname !== "/login/verify") return next;
    const page = await browser.request(next.pathname, { headers });
    const csrf = csrfOf(await page.text());
    answer = await postForm(
      browser,
      "/login/verify",
      { _csrf: csrf, code: server.nextCode(user) },
      headers,
    );
  }
  throw new Error("the sign-in did not end");
}

/**
 * Browser: authorization URL → (Vestibule's sign-in pages when the provider asks for a
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
  const { server } = rp;
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
    const uid = hop.url.pathname.slice(LOGIN_PATH.length);
    await onLogin?.(uid);
    // The entry page binds the interaction to this browser (or finishes it at once for a
    // browser signed in well enough), then Login.
    hop = await browser.follow(hop.url.href, (u) => atCallback(u) || u.pathname === "/login");
    if (!atCallback(hop.url)) {
      if (hop.url.pathname !== "/login") {
        throw new Error(`the entry page answered ${hop.response?.status} at ${hop.url.href}`);
      }
      if (!login) throw new Error(`the provider asked for a sign-in: ${hop.url.href}`);
      if ("error" in login) {
        const finished = await finishWithError(server.oidc, uid, "access_denied", login.error);
        if (!finished.ok) throw new Error(finished.reason);
        hop = await browser.follow(finished.redirectTo, atCallback);
      } else {
        const back = await signInPages(server, browser, login.user);
        hop = await browser.follow(back.href, atCallback);
      }
    }
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
