// A flow row as the store keeps it, for store and contract tests: a sign-in at
// verification for `userId`, living ten minutes from `now`, with whatever `over` says.
import { randomUUID } from "node:crypto";
import type { Flow } from "../../src/core/ports/flows.js";

export const FLOW_NOW = Date.UTC(2030, 0, 1);

export function flowRow(userId: string | null, over: Partial<Flow> = {}, now = FLOW_NOW): Flow {
  return {
    idHash: randomUUID(),
    userId,
    purpose: "signin",
    state: "verify",
    continuation: { kind: "home" },
    sessionIdHash: null,
    createdAt: now,
    expiresAt: now + 600_000,
    failedCodes: 0,
    ...over,
  };
}
