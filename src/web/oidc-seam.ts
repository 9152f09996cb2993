import type { IncomingMessage, ServerResponse } from "node:http";
import type { FinishResult, InteractionDetails } from "../oidc/interaction.js";
import type { LoginResult } from "../oidc/login.js";
import type { OidcHandler } from "../oidc/mount.js";

// The OpenID Connect provider as the sign-in pages use it (src/oidc/interaction.ts).
// system.ts loads it on first use (oidc-provider is imported only then), so this module
// holds types only.

/** Where the provider sends a browser that must sign in: `${OIDC_SIGNIN_PATH}${uid}`. */
export const OIDC_SIGNIN_PATH = "/login/oidc/";

export interface OidcSeam {
  /** The interaction this browser was sent to sign in for (the provider's signed cookie). */
  details(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails | undefined>;
  /** The interaction again by id, after the entry page bound it to a flow. */
  byUid(uid: string): Promise<InteractionDetails | undefined>;
  finishLogin(uid: string, login: LoginResult): Promise<FinishResult>;
  finishWithError(uid: string, error: "access_denied", description: string): Promise<FinishResult>;
  /** Answers a request under /oidc. */
  handle: OidcHandler;
}

/** The provider, loaded on first use (memoised by system.ts). */
export type LoadOidc = () => Promise<OidcSeam>;
