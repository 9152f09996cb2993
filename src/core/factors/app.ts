import type { Audit } from "../audit.js";
import type { Clock, Random } from "../ports/runtime.js";
import type { Stores } from "../ports/stores.js";
import { type Refusal, refuse } from "../reasons.js";
import { type SecretBox, totpSecretAad } from "../secrets.js";
import {
  generateTotpSecret,
  groupSecret,
  matchTotpStep,
  totpClockOffsetSeconds,
  totpUri,
} from "../totp.js";
import {
  type Factor,
  type FactorContext,
  isSixDigits,
  type Judge,
  type Started,
  type Verdict,
} from "./factor.js";

export interface AppFactorDeps {
  stores: Pick<Stores, "authenticators" | "flows" | "atomically">;
  /** authenticator_added, written in the transaction that confirms the authenticator. */
  audit: Audit;
  box: SecretBox;
  clock: Clock;
  random: Random;
  /** The issuer shown in authenticator apps. */
  appName: string;
}

/** The authenticator app (TOTP, RFC 6238): set up with a key, judged by time step. */
export interface AppFactor extends Factor {
  readonly id: "app";
  readonly kind: "authenticator";
  /** Does this user have a confirmed authenticator? */
  confirmed(userId: string): Promise<boolean>;
  /**
   * Save on the set-up screen: a judge against the key this flow showed, whose match
   * makes it the user's authenticator and ends the flow. Refused when there is nothing to
   * confirm (no key shown yet, or an authenticator confirmed meanwhile).
   */
  prepareEnrolment(ctx: FactorContext, ip: string): Promise<Judge | Refusal>;
}

export function createAppFactor(deps: AppFactorDeps): AppFactor {
  const { stores, box, clock } = deps;
  const confirmed = async (userId: string) =>
    Boolean((await stores.authenticators.get(userId))?.confirmedAt);

  return {
    id: "app",
    kind: "authenticator",
    amr: "otp",
    confirmed,
    async available(ctx) {
      return ctx.methods.includes("app") && (await confirmed(ctx.user.id));
    },
    accepts: isSixDigits,

    async prepare(ctx) {
      if (!ctx.methods.includes("app")) return undefined;
      const auth = await stores.authenticators.get(ctx.user.id);
      if (!auth?.confirmedAt) return undefined;
      // Opened now, before the attempt is taken: a box that does not open (copied from
      // another row, SECRET_KEY changed without its previous key) throws, which answers
      // 503 and charges the user nothing.
      const secret = box.open(auth.secretBox, totpSecretAad(ctx.user.id));
      return async (code) => {
        const step = matchTotpStep(secret, code, clock.now());
        if (step === null) return wrongCode(secret, code, clock.now());
        // The compare-and-swap on the last used step lets exactly one of many concurrent
        // submissions of one code through, on any number of instances.
        if (!(await stores.authenticators.useStep(ctx.user.id, step))) return { kind: "used" };
        return { kind: "matched", factor: "app", amr: "otp" };
      };
    },

    /**
     * The set-up screen's key. It is kept (sealed) on the flow, made on its first view: a
     * reload of this flow shows the same key, a new flow gets a new one. So a key seen by
     * someone who held the password earlier (a temporary password, the one before Force
     * New Password) is never the key the user later confirms.
     */
    async start(ctx): Promise<Started | Refusal> {
      const { flow, user } = ctx;
      if (flow.state !== "setup_app") return refuse("wrong_step");
      if (await confirmed(user.id)) return refuse("wrong_step");
      const aad = totpSecretAad(user.id);
      const sealed =
        (await stores.flows.getSetupKey(flow.idHash)) ??
        (await stores.flows.setSetupKey(
          flow.idHash,
          box.seal(generateTotpSecret(deps.random), aad),
        ));
      if (!sealed) return refuse("expired");
      const secret = box.open(sealed, aad);
      return {
        ok: true,
        kind: "key",
        secret,
        grouped: groupSecret(secret),
        uri: totpUri(deps.appName, user.username, secret),
      };
    },

    async prepareEnrolment(ctx, ip) {
      const { flow, user } = ctx;
      if (flow.state !== "setup_app" || (await confirmed(user.id))) return refuse("wrong_step");
      // The key this flow showed; none yet (Save before Show QR code): nothing to confirm.
      const sealed = await stores.flows.getSetupKey(flow.idHash);
      if (!sealed) return refuse("wrong_step");
      const secret = box.open(sealed, totpSecretAad(user.id));
      return async (code) => {
        const step = matchTotpStep(secret, code, clock.now());
        if (step === null) return wrongCode(secret, code, clock.now());
        // One transaction ends this flow, which must still hold the key shown, copies its
        // key into the user's authenticator with the step used, and writes the audit event
        // (with the owner's notice): of racing Saves (any tab, any instance) exactly one
        // confirms, and none after Force New Password.
        const done = await stores.atomically(async (tx) => {
          const confirmed = await tx.authenticators.confirm({
            flowIdHash: flow.idHash,
            secretBox: sealed,
            step,
            now: clock.now(),
          });
          if (confirmed) {
            await deps.audit(
              {
                type: "authenticator_added",
                userId: user.id,
                actorId: user.id,
                username: user.username,
                ip,
              },
              tx,
            );
          }
          return confirmed;
        });
        return done ? { kind: "matched", factor: "app", amr: "otp" } : { kind: "used" };
      };
    },
  };
}

/**
 * A wrong code, with the phone's clock offset when the code would be right up to 10
 * minutes away (issue 11): the page says how to fix the clock, the audit event records it.
 */
function wrongCode(secret: string, code: string, now: number): Verdict {
  const offset = totpClockOffsetSeconds(secret, code, now);
  return offset === null
    ? { kind: "wrong" }
    : { kind: "wrong", detail: { clockOffsetSeconds: offset } };
}
