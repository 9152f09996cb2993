// A confirmed authenticator for a test user, made the way the product makes one: a flow
// at the set-up step carries the key, and `authenticators.confirm` copies it onto the
// user with the used step. (There is no other way to write one.)
import { randomUUID } from "node:crypto";
import type { Stores } from "../../src/core/ports/stores.js";
import { flowRow } from "./flows.js";

export async function storeConfirmedAuthenticator(
  stores: Pick<Stores, "flows" | "authenticators">,
  userId: string,
  secretBox: string,
  step: number,
  now: number,
): Promise<boolean> {
  const idHash = `enrol-${randomUUID()}`;
  await stores.flows.create(flowRow(userId, { idHash, state: "setup_app" }, now));
  await stores.flows.setSetupKey(idHash, secretBox);
  const confirmed = await stores.authenticators.confirm({
    flowIdHash: idHash,
    secretBox,
    step,
    now,
  });
  await stores.flows.delete(idHash);
  return confirmed;
}
