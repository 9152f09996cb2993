import { expect } from "vitest";
import { DeliveryError } from "../../src/core/ports/delivery.js";

/**
 * Awaits a send that must fail and returns its DeliveryError. With `secret`, also
 * checks that the error's message does not carry it (a code must never reach a log).
 */
export async function rejected(promise: Promise<unknown>, secret?: string): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  if (secret !== undefined) expect((error as Error).message).not.toContain(secret);
  return error as DeliveryError;
}
