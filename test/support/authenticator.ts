// A confirmed authenticator for a test user, made the way the product makes one: a
// pending sign-in at the set-up step carries the key, and confirmAuthenticator copies it
// onto the user with the used step. (There is no other way to write one.)
import { randomUUID } from "node:crypto";
import type { Store } from "../../src/core/ports.js";

export async function storeConfirmedAuthenticator(
  store: Store,
  userId: string,
  secretBox: string,
  step: number,
  now: number,
): Promise<boolean> {
  const idHash = `enrol-${randomUUID()}`;
  await store.createChallenge({
    idHash,
    userId,
    state: "setup_app",
    createdAt: now,
    expiresAt: now + 60_000,
    failedCodes: 0,
  });
  await store.setChallengeSecret(idHash, secretBox);
  const confirmed = await store.confirmAuthenticator({
    challengeIdHash: idHash,
    secretBox,
    step,
    now,
  });
  await store.deleteChallenge(idHash);
  return confirmed;
}
