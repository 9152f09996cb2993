import fastifyCookie from "@fastify/cookie";
import { currentUser, signOut } from "../core/sessions.js";
import type { Core } from "../system.js";
import type { WebKit } from "./http.js";

// The module exports parse and serialize; its types declare them on this interface only.
const cookie = fastifyCookie as unknown as fastifyCookie.FastifyCookie;

/**
 * The person pressed Sign out on the provider's logout confirmation (RP-initiated logout):
 * their Vestibule sign-in in this browser ends too, as with Vestibule's own Sign out (and
 * with it the provider's sessions and tokens elsewhere, core/sessions.ts). Otherwise the
 * next application's sign-in would pass on Vestibule's session without a password.
 * Returns the Set-Cookie values that clear this browser's cookies.
 */
export function providerSignOut(kit: WebKit, core: Core) {
  return async (cookieHeader: string | undefined, ip: string): Promise<string[]> => {
    const token = cookie.parse(cookieHeader ?? "")[kit.names.session];
    const user = token ? await currentUser(core, token) : undefined;
    await signOut(core, { session: token }, user, ip);
    const gone = {
      path: "/",
      httpOnly: true,
      sameSite: "lax" as const,
      secure: kit.secure,
      maxAge: 0,
    };
    const domain = kit.forwardCookieDomain ? { domain: kit.forwardCookieDomain } : {};
    return [
      cookie.serialize(kit.names.session, "", gone),
      cookie.serialize(kit.names.forward, "", { ...gone, ...domain }),
    ];
  };
}
