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

export interface OidcHooks {
  /** Tests add their own Koa middleware before Vestibule's. */
  beforeMount?: (oidc: Oidc) => void;
  /**
   * The person chose Sign out on the logout confirmation: Vestibule's sign-in ends too.
   * Gets the request's Cookie header and address; returns Set-Cookie values to add.
   */
  signedOut?: (cookieHeader: string | undefined, ip: string) => Promise<string[]>;
}

export async function createOidcParts(
  options: OidcOptions,
  hooks: OidcHooks = {},
): Promise<OidcParts> {
  const oidc = await createOidc(options);
  hooks.beforeMount?.(oidc);
  const { signedOut } = hooks;
  if (signedOut) {
    oidc.provider.use(async (ctx, next) => {
      await next();
      // The confirmation's "Sign out" (logout=yes) succeeded; "Stay signed in" has no logout.
      const confirmed = ctx.oidc?.route === "end_session_confirm" && ctx.status === 303;
      if (!confirmed || !ctx.oidc.params?.logout) return;
      for (const value of await signedOut(ctx.get("cookie") || undefined, ctx.ip)) {
        ctx.append("set-cookie", value);
      }
    });
  }
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
