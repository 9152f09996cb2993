// Lifetimes of what the provider issues, in seconds. Kept apart from provider.ts so the
// CLI (key rotation) can read them without loading oidc-provider.

/** An authorization code is redeemed within seconds of being issued. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
export const ID_TOKEN_TTL_SECONDS = 60 * 60;
/** Time to finish the sign-in pages (password, second factor, set-up) for an application. */
export const INTERACTION_TTL_SECONDS = 30 * 60;
/**
 * A retired signing key must outlive every ID token it signed: retiring is refused until
 * this long after the new key was promoted.
 */
export const KEY_RETIRE_DELAY_SECONDS = ID_TOKEN_TTL_SECONDS;
