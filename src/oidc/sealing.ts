import type { Random } from "../core/ports/runtime.js";
import { createSecretBox, deriveKey, keyId, type SecretBox } from "../core/secrets.js";

/**
 * A SecretBox for one purpose of the provider, keyed from SECRET_KEY (current first,
 * then SECRET_KEY_PREVIOUS), so rotating SECRET_KEY leaves sealed rows readable.
 */
export function oidcBox(
  secretKeys: readonly string[],
  purpose: "oidc-key" | "oidc-client-secret",
  random: Random,
): SecretBox {
  return createSecretBox(
    secretKeys.map((secret) => {
      const key = deriveKey(secret, purpose);
      return { id: keyId(key), key };
    }),
    random,
  );
}
