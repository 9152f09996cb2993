import type { Audit } from "../audit.js";
import type { Clock, Random } from "../ports/runtime.js";
import type { Stores } from "../ports/stores.js";
import { type Refusal, refuse } from "../reasons.js";
import { type SecretBox, totpSecretAad } from "../secrets.js";
import {
  generateTotpSecret,
  groupSecret,
  matchTotpStep,
  TOTP_PERIOD_SECONDS,
  TOTP_WINDOW_STEPS,
  totpClockOffsetSeconds,
  totpStep,
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
  /**
   * Confirm on the account page's Replace screen (an `enrol` flow, issue 11): a judge
   * against the NEW key this flow showed, whose match replaces the user's authenticator
   * (the old one keeps working until then) and ends the flow, in one transaction with its
   * audit event and notice.
   */
  prepareReplacement(ctx: FactorContext, ip: string): Promise<Judge | Refusal>;
}

export function createAppFactor(deps: AppFactorDeps): AppFactor {
  const { stores, box, clock } = deps;
  const confirmed = async (userId: string) =>
    Boolean((await stores.authenticators.get(userId))?.confirmedAt);

  /**
   * A judge against the key this flow showed (none yet, e.g. Save before Show QR code:
   * nothing to confirm). A matching code runs `bind` (which ends the flow and makes the key
   * the user's) with the audit event `type` in one transaction; "used" when the flow no
   * longer holds the key (another tab won, Force New Password, expiry).
   */
  const judgeShownKey = async (
    ctx: FactorContext,
    ip: string,
    type: "authenticator_added" | "authenticator_replaced",
    bind: (
      tx: Pick<Stores, "authenticators">,
      key: { flowIdHash: string; secretBox: string; step: number; now: number },
    ) => Promise<boolean>,
  ): Promise<Judge | Refusal> => {
    const { flow, user } = ctx;
    const sealed = await stores.flows.getSetupKey(flow.idHash);
    if (!sealed) return refuse("wrong_step");
    const secret = box.open(sealed, totpSecretAad(user.id));
    return async (code) => {
      const step = matchTotpStep(secret, code, clock.now());
      if (step === null) return wrongCode(secret, code, clock.now());
      const done = await stores.atomically(async (tx) => {
        const key = { flowIdHash: flow.idHash, secretBox: sealed, step, now: clock.now() };
        const bound = await bind(tx, key);
        if (bound) {
          const event = { type, userId: user.id, actorId: user.id, username: user.username, ip };
          await deps.audit(event, tx);
        }
        return bound;
      });
      return done ? { kind: "matched", factor: "app", amr: "otp" } : { kind: "used" };
    };
  };

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
        const now = clock.now();
        const step = matchTotpStep(secret, code, now);
        if (step === null) {
          const verdict = wrongCode(secret, code, now);
          // Recorded before the hint can be shown (a failure here answers 503 and charges
          // nothing): the step stays refused in every sign-in and step-up of the user.
          const refusedStep = verdict.kind === "wrong" ? verdict.detail?.refusedStep : undefined;
          if (typeof refusedStep === "number") {
            await stores.authenticators.refuseStep(
              ctx.user.id,
              refusedStep,
              totpStep(now) - TOTP_WINDOW_STEPS,
            );
          }
          return verdict;
        }
        // A code refused earlier as from a phone ahead of time stays refused when its time
        // comes (issue 11): its hint told whoever typed it when it would be right. The
        // steps are on the authenticator row read above (issue 13: no query of its own).
        if (auth.refusedSteps.includes(step)) return { kind: "wrong" };
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
      // A sign-in sets up a first app; an enrolment (the account page) replaces one.
      if (flow.purpose !== "enrol" && (await confirmed(user.id))) return refuse("wrong_step");
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
      if (ctx.flow.state !== "setup_app" || (await confirmed(ctx.user.id))) {
        return refuse("wrong_step");
      }
      // One transaction ends this flow, which must still hold the key shown, copies its
      // key into the user's authenticator with the step used, and writes the audit event
      // (with the owner's notice): of racing Saves (any tab, any instance) exactly one
      // confirms, and none after Force New Password.
      return judgeShownKey(ctx, ip, "authenticator_added", (tx, key) =>
        tx.authenticators.confirm(key),
      );
    },

    async prepareReplacement(ctx, ip) {
      if (ctx.flow.state !== "setup_app" || ctx.flow.purpose !== "enrol") {
        return refuse("wrong_step");
      }
      // One transaction: the flow taken (iff it still holds this key), the old key to the
      // history, the new one confirmed with this step used, the event and its notice.
      return judgeShownKey(ctx, ip, "authenticator_replaced", (tx, key) =>
        tx.authenticators.replace({ ...key, userId: ctx.user.id }),
      );
    },
  };
}

/**
 * A wrong code, with the phone's clock offset when the code would be right up to 10
 * minutes away (issue 11): the page says how to fix the clock, the audit event records it.
 */
function wrongCode(secret: string, code: string, now: number): Verdict {
  const offset = totpClockOffsetSeconds(secret, code, now);
  if (offset === null) return { kind: "wrong" };
  if (offset < 0) return { kind: "wrong", detail: { clockOffsetSeconds: offset } };
  // A code from ahead of time will be right later: its step goes on the audit event (a
  // time, not the code) and on the authenticator (refuseStep): the app's judge never
  // accepts that step.
  const refusedStep = totpStep(now) + offset / TOTP_PERIOD_SECONDS;
  return { kind: "wrong", detail: { clockOffsetSeconds: offset, refusedStep } };
}
