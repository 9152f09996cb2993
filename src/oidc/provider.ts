import type { Kysely } from "kysely";
import Provider, {
  type Account,
  type Configuration,
  errors,
  type FindAccount,
  interactionPolicy,
  type JWK,
} from "oidc-provider";
import { ConfigError } from "../config-env.js";
import type { Clock, Random } from "../core/ports/runtime.js";
import { deriveKey } from "../core/secrets.js";
import type { Database } from "../store/schema.js";
import { createOidcStorage, type OidcStorage } from "./adapter.js";
import { clientMetadata } from "./clients.js";
import { loadSigningKeys } from "./keys.js";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  AUTHORIZATION_CODE_TTL_SECONDS,
  ID_TOKEN_TTL_SECONDS,
  INTERACTION_TTL_SECONDS,
} from "./lifetimes.js";
import { ACR_VALUES } from "./login.js";
import { errorPage, logoutPage, type PageChrome, signedOutPage } from "./pages.js";
import { firstPartyGrant, secondFactorCheck } from "./policy.js";
import { oidcBox } from "./sealing.js";

/** What the provider needs to know of a user; undefined from `findAccount` = no such user now. */
export interface OidcAccount {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  role: string;
}

export interface OidcOptions {
  db: Kysely<Database>;
  /** PUBLIC_URL without a trailing slash; the issuer is `${publicUrl}/oidc`. */
  publicUrl: string;
  /** SECRET_KEY first, then SECRET_KEY_PREVIOUS (config.secretKeys). */
  secretKeys: readonly string[];
  /** The provider session's lifetime (Vestibule's session lifetime). */
  sessionTtlMs: number;
  clock: Clock;
  random: Random;
  /** The user by id, or undefined when missing or deactivated (tokens then stop working). */
  findAccount(accountId: string): Promise<OidcAccount | undefined>;
  /** Where the sign-in pages take over an authorization request, e.g. uid => `/signin/oidc/${uid}`. */
  interactionPath(uid: string): string;
  /** Vestibule's layout for the provider's own pages. */
  page: PageChrome;
  /** A fault inside the provider (it answered 500): name and message only, never a token. */
  onServerError?(err: Error): void;
  /** Decorates the storage (tests race its consume through this). */
  wrapStorage?(storage: OidcStorage): OidcStorage;
}

export interface Oidc {
  provider: Provider;
  issuer: string;
  publicUrl: string;
  storage: OidcStorage;
}

function claimsOf(user: OidcAccount): Account {
  return {
    accountId: user.id,
    claims: () => ({
      sub: user.id,
      preferred_username: user.username,
      name: user.displayName ?? user.username,
      ...(user.email ? { email: user.email } : {}),
      groups: [user.role],
    }),
  };
}

function configuration(options: OidcOptions, storage: OidcStorage, jwks: JWK[]): Configuration {
  const sessionTtlSeconds = Math.floor(options.sessionTtlMs / 1000);
  const secure = options.publicUrl.startsWith("https:");
  const policy = interactionPolicy.base();
  policy.get("login")?.checks.add(secondFactorCheck);
  const findAccount: FindAccount = async (_ctx, sub) => {
    const user = await options.findAccount(sub);
    return user ? claimsOf(user) : undefined;
  };
  return {
    adapter: storage.adapter as unknown as Configuration["adapter"],
    jwks: { keys: jwks },
    clients: [],
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
    },
    clientAuthMethods: ["client_secret_basic", "none"],
    extraClientMetadata: {
      properties: ["require_mfa"],
      validator(_ctx, key, value) {
        if (key === "require_mfa" && value !== undefined && typeof value !== "boolean") {
          throw new errors.InvalidClientMetadata("require_mfa must be a boolean");
        }
      },
    },
    // Code flow only: no implicit, no hybrid; every client sends PKCE (S256).
    responseTypes: ["code"],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    scopes: ["openid", "profile", "email", "groups"],
    // acr, amr and auth_time ride on the openid scope: every ID token carries them.
    claims: {
      openid: ["sub", "acr", "amr", "auth_time"],
      profile: ["preferred_username", "name"],
      email: ["email"],
      groups: ["groups"],
      sid: null,
    },
    // The scope's claims go in the ID token too, not only in userinfo.
    conformIdTokenClaims: false,
    acrValues: [...ACR_VALUES],
    findAccount,
    loadExistingGrant: firstPartyGrant,
    // Refresh tokens for every client, ending with the provider session (no
    // offline_access): Vestibule's sign-out ends them. Each use rotates the token.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    interactions: {
      policy,
      url: (_ctx, interaction) => options.interactionPath(interaction.uid),
    },
    cookies: {
      names: {
        session: `${secure ? "__Host-" : ""}vst_oidc_session`,
        interaction: `${secure ? "__Secure-" : ""}vst_oidc_interaction`,
        resume: `${secure ? "__Secure-" : ""}vst_oidc_resume`,
      },
      // Signed with keys from SECRET_KEY (keygrip signs with the first, accepts all).
      keys: options.secretKeys.map((s) => deriveKey(s, "oidc-cookies").toString("base64url")),
      long: { httpOnly: true, sameSite: "lax" },
      short: { httpOnly: true, sameSite: "lax" },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      IdToken: ID_TOKEN_TTL_SECONDS,
      Interaction: INTERACTION_TTL_SECONDS,
      RefreshToken: sessionTtlSeconds,
      Session: sessionTtlSeconds,
      Grant: sessionTtlSeconds,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      DeviceCode: INTERACTION_TTL_SECONDS,
      BackchannelAuthenticationRequest: INTERACTION_TTL_SECONDS,
      PreAuthorizedCode: INTERACTION_TTL_SECONDS,
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      userinfo: { enabled: true },
      // Confidential clients (resource servers) may introspect any token, public ones their own.
      introspection: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) =>
          client.clientAuthMethod !== "none" || token.clientId === ctx.oidc.client?.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: logoutPage(options.page),
        postLogoutSuccessSource: signedOutPage(options.page),
      },
    },
    // Cross-origin calls (token, userinfo) from a browser app at one of its redirect origins.
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
    renderError: errorPage(options.page),
  };
}

/** The provider, with its keys read (or the first one created) from the database. */
export async function createOidc(options: OidcOptions): Promise<Oidc> {
  const publicUrl = new URL(options.publicUrl);
  if (publicUrl.pathname !== "/" || publicUrl.search || publicUrl.hash) {
    throw new ConfigError(
      `PUBLIC_URL must be an origin without a path for the /oidc issuer (got "${options.publicUrl}")`,
    );
  }
  const clientBox = oidcBox(options.secretKeys, "oidc-client-secret", options.random);
  const keyBox = oidcBox(options.secretKeys, "oidc-key", options.random);
  const stored = createOidcStorage(options.db, options.clock, (id) =>
    clientMetadata({ db: options.db, box: clientBox }, id),
  );
  const storage = options.wrapStorage ? options.wrapStorage(stored) : stored;
  const jwks = await loadSigningKeys({ db: options.db, box: keyBox }, options.clock.now());
  const issuer = `${publicUrl.origin}/oidc`;
  const provider = new Provider(issuer, configuration(options, storage, jwks as JWK[]));
  // mount.ts sets Host, X-Forwarded-Proto and X-Forwarded-For on every request from
  // PUBLIC_URL and Fastify's TRUST_PROXY decision; a client's own values never get here.
  provider.proxy = true;
  provider.on("server_error", (_ctx: unknown, err: Error) => {
    options.onServerError?.(err);
  });
  return { provider, issuer, publicUrl: publicUrl.origin, storage };
}
