import type { OidcSeam } from "../web/oidc-seam.js";
import {
  finishLogin,
  finishWithError,
  interactionByUid,
  interactionDetails,
} from "./interaction.js";
import { providerHandler } from "./mount.js";
import { createOidc, type Oidc, type OidcOptions } from "./provider.js";

// The one module that loads oidc-provider on the serve path: system.ts imports it
// dynamically on first use (oidc-provider prints "Unsupported runtime" at import on
// Node 20, and CLI commands that only touch the database must stay quiet).

export interface OidcParts {
  oidc: Oidc;
  seam: OidcSeam;
}

export async function createOidcParts(
  options: OidcOptions,
  /** Tests add their own Koa middleware before Vestibule's. */
  beforeMount?: (oidc: Oidc) => void,
): Promise<OidcParts> {
  const oidc = await createOidc(options);
  beforeMount?.(oidc);
  const handle = providerHandler(oidc);
  return {
    oidc,
    seam: {
      details: (req, res) => interactionDetails(oidc, req, res),
      byUid: (uid) => interactionByUid(oidc, uid),
      finishLogin: (uid, login) => finishLogin(oidc, uid, login),
      finishWithError: (uid, error, description) => finishWithError(oidc, uid, error, description),
      handle,
    },
  };
}
