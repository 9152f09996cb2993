import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

// Ending one user's sign-ins at the provider, without loading the provider: Sign out,
// Force New Password and deactivation run it from the web and from the CLI alike
// (system.ts passes it to the core as `onAccountEnded`). The adapter's endAccount is this.

/** What one user's sign-out ends. Interactions are left: they expire in minutes and hold no token. */
const ACCOUNT_MODELS = ["Session", "Grant", "RefreshToken", "AccessToken", "AuthorizationCode"];

/**
 * Ends everything the provider holds for one user: provider sessions (prompt=none then
 * answers login_required), grants, refresh and access tokens, authorization codes.
 * Returns the rows removed.
 */
export async function endOidcAccount(db: Kysely<Database>, accountId: string): Promise<number> {
  // One DELETE: a token request finishing meanwhile may still write a token for this
  // account, but its grant and session are gone, so the provider refuses that token.
  const result = await db
    .deleteFrom("oidc_models")
    .where("account_id", "=", accountId)
    .where("model", "in", ACCOUNT_MODELS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
