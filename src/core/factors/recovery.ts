import type { Audit } from "../audit.js";
import type { PasswordHasher } from "../password.js";
import type { Clock } from "../ports/runtime.js";
import type { Stores } from "../ports/stores.js";
import { refuse } from "../reasons.js";
import { parseRecoveryCode, recoveryLookup } from "../recovery-codes.js";
import type { Factor } from "./factor.js";

// Recovery codes as a second factor (kind "lookup", amr "rc"): one of the user's ten
// look-up secrets, each used once (docs/recovery.md). The throttle is attempts.ts's, the
// same wrong-code limits as every code.

export interface RecoveryFactorDeps {
  stores: Pick<Stores, "recoveryCodes" | "atomically">;
  hasher: Pick<PasswordHasher, "verify" | "verifyDummy">;
  clock: Clock;
  /** recovery_code_used, in the transaction that uses the code (the user is emailed). */
  audit: Audit;
}

export interface RecoveryFactor extends Factor {
  readonly id: "recovery";
  readonly kind: "lookup";
  /** Unused codes the user has left. */
  countLeft(userId: string): Promise<number>;
}

export function createRecoveryFactor(deps: RecoveryFactorDeps): RecoveryFactor {
  const { stores, hasher, clock } = deps;
  const countLeft = (userId: string) => stores.recoveryCodes.countLeft(userId);
  return {
    id: "recovery",
    kind: "lookup",
    amr: "rc",
    countLeft,
    async available(ctx) {
      return ctx.methods.length > 0 && (await countLeft(ctx.user.id)) > 0;
    },
    accepts: (answer) => parseRecoveryCode(answer) !== undefined,

    async prepare(ctx) {
      // Verification and step-up only: the set-up screen confirms an app, nothing else.
      if (ctx.flow.state !== "verify" || ctx.methods.length === 0) return undefined;
      const { user } = ctx;
      return async (answer) => {
        const plain = parseRecoveryCode(answer);
        // A 6-digit code is another factor's answer: no hash spent on it.
        if (!plain) return { kind: "wrong" };
        // The look-up part finds at most one row: one argon2id hash per attempt, and the
        // same one (a dummy) when nothing is found, so timing tells nothing either.
        const row = await stores.recoveryCodes.find(user.id, recoveryLookup(plain));
        if (!row) {
          await hasher.verifyDummy(plain);
          return { kind: "wrong", detail: { recoveryCode: true } };
        }
        if (!(await hasher.verify(row.codeHash, plain))) {
          return { kind: "wrong", detail: { recoveryCode: true } };
        }
        if (row.usedAt !== null) return { kind: "used", detail: { recoveryCode: true } };
        // Single use by one conditional UPDATE, in one transaction with its audit event
        // (and the email it queues): of concurrent submissions exactly one gets through.
        const used = await stores.atomically(async (tx) => {
          if (!(await tx.recoveryCodes.use(row.id, clock.now()))) return false;
          const left = await tx.recoveryCodes.countLeft(user.id);
          await deps.audit(
            {
              type: "recovery_code_used",
              userId: user.id,
              actorId: user.id,
              username: user.username,
              detail: { left },
            },
            tx,
          );
          return true;
        });
        if (!used) return { kind: "used", detail: { recoveryCode: true } };
        return { kind: "matched", factor: "recovery", amr: "rc" };
      };
    },

    async start() {
      // Nothing to send or show: the person has the codes on paper.
      return refuse("method_unavailable");
    },
  };
}
