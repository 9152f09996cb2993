import type { Audit } from "../audit.js";
import { lockedRefusal } from "../flow/attempts.js";
import { DeliveryError } from "../ports/delivery.js";
import type { FlowCode, FlowState } from "../ports/flows.js";
import type { Limits, SendQuota } from "../ports/limits.js";
import type { Clock, Random } from "../ports/runtime.js";
import type { Stores } from "../ports/stores.js";
import type { User } from "../ports/users.js";
import { type Refusal, refuse } from "../reasons.js";
import { hashToken, hmacHex, newToken, safeEqual } from "../secrets.js";
import { type Factor, type FactorContext, isSixDigits, type Started } from "./factor.js";

// A code sent by email or SMS: 6 digits from a CSPRNG, stored as an HMAC on the flow,
// single use, expiring, behind send quotas (docs/codes.md). email.ts and sms.ts are this
// with their channel.

export type CodeMethod = "email" | "sms";

/** Delivers a code: builds the message in the reader's words (the user's language) and sends it. */
export type DeliverCode = (to: string, code: string, minutes: number, user: User) => Promise<void>;

export interface CodeFactorDeps {
  stores: Pick<Stores, "flows">;
  limits: Pick<Limits, "secondFactor">;
  quota: SendQuota;
  /** HMAC key for codes at rest, derived from SECRET_KEY ("code-hmac"). */
  codeKey: Buffer;
  codeTtlMs: number;
  clock: Clock;
  random: Random;
  audit: Audit;
}

export interface CodeFactor extends Factor {
  readonly id: CodeMethod;
  readonly kind: "code";
  /** Where a code would go for this user, if the method is enabled, has a provider and a contact. */
  destination(ctx: FactorContext): string | undefined;
  /** How long until this user may ask for another code by this method (0: now). */
  resendWaitMs(userId: string): Promise<number>;
}

const CODE_SPACE = 1_000_000;

/** The steps a code is sent from: verification, set-up, and the email proof (issue 14). */
const SENDS_FROM = new Set<FlowState>(["verify", "setup_app", "prove_email"]);

export function createCodeFactor(
  method: CodeMethod,
  deps: CodeFactorDeps,
  channel: {
    /** The user's address or number for this channel. */
    contact: (user: User) => string | null;
    /** Absent: no provider is configured, the method cannot be used. */
    deliver: DeliverCode | undefined;
  },
): CodeFactor {
  const { stores, clock } = deps;
  const destination = (ctx: FactorContext): string | undefined =>
    ctx.methods.includes(method) && channel.deliver
      ? (channel.contact(ctx.user) ?? undefined)
      : undefined;
  // The user id is in the MAC input: a stored value copied onto another user's flow
  // matches nothing.
  const codeHmac = (user: User, code: string) => hmacHex(deps.codeKey, `${user.id}:${code}`);

  return {
    id: method,
    kind: "code",
    amr: method,
    destination,
    resendWaitMs: (userId) => deps.quota.userWaitMs(userId, method),
    async available(ctx) {
      return destination(ctx) !== undefined;
    },
    accepts: isSixDigits,

    async prepare(ctx) {
      if (!ctx.methods.includes(method)) return undefined;
      const stored = await liveCode(deps, ctx);
      if (stored?.method !== method) return undefined;
      return async (code) => {
        // Constant-time compare of the MACs, then one conditional UPDATE: used once.
        if (!safeEqual(codeHmac(ctx.user, code), stored.hmac)) return { kind: "wrong" };
        codesRead.delete(ctx.flow);
        if (await stores.flows.useCode(ctx.flow.idHash, stored.hmac, clock.now())) {
          return { kind: "matched", factor: method, amr: method };
        }
        // The right code, used a moment ago by a concurrent submission: not a guess.
        return { kind: "used", detail: { method } };
      };
    },

    /**
     * Sends a code for this flow (set-up or verification screen). Order: method available
     * → account not locked → quota taken → code stored (replacing the last one, keeping
     * the wrong-code count) → sent. A provider failure gives the quota back and withdraws
     * the code only when the message certainly did not go out (DeliveryError.definite);
     * otherwise the code stays valid; see docs/codes.md. From the set-up screen the flow
     * then moves to `verify` under a new token.
     */
    async start(ctx, ip): Promise<Started | Refusal> {
      const { flow, user } = ctx;
      if (!SENDS_FROM.has(flow.state)) return refuse("wrong_step");
      const to = destination(ctx);
      if (!to || !channel.deliver) return refuse("method_unavailable");
      const lock = await deps.limits.secondFactor.check(user.id);
      if (!lock.allowed) return lockedRefusal(lock);

      const quota = await deps.quota.take({ userId: user.id, method, destination: to, ip });
      if (!quota.allowed) {
        await deps.audit({
          type: "code_send_refused",
          userId: user.id,
          username: user.username,
          ip,
          detail: { method, limit: quota.limit, retryAfterMs: quota.retryAfterMs },
        });
        return refuse("send_throttled", quota.retryAfterMs);
      }

      const now = clock.now();
      const code = String(deps.random.int(CODE_SPACE)).padStart(6, "0");
      const hmac = codeHmac(user, code);
      codesRead.delete(flow);
      const stored = await stores.flows.setCode(flow.idHash, {
        hmac,
        method,
        sentAt: now,
        expiresAt: now + deps.codeTtlMs,
      });
      if (!stored) {
        await quota.refund();
        return refuse("expired");
      }

      try {
        const minutes = Math.max(1, Math.round(deps.codeTtlMs / 60_000));
        await channel.deliver(to, code, minutes, user);
      } catch (err) {
        // A definite refusal (4xx, nothing connected) sent nothing: the send is given back
        // and the code withdrawn. A timeout or 5xx may have delivered it: the send stays
        // counted (every counter, the SMS budget and the destination's too), or looping
        // sends against a slow provider would pump SMS for free; and the code stays valid,
        // so a late SMS works instead of being charged as a wrong guess (docs/codes.md).
        const definite = err instanceof DeliveryError && err.definite;
        if (definite) {
          await quota.refund();
          await stores.flows.clearCode(flow.idHash, hmac);
        }
        await deps.audit({
          type: "code_send_failed",
          userId: user.id,
          username: user.username,
          ip,
          // DeliveryError messages name the provider and status, never the content.
          detail: {
            method,
            error: err instanceof DeliveryError ? err.message : "unexpected error",
            refunded: definite,
          },
        });
        return refuse("send_failed");
      }
      await deps.audit({
        type: "code_sent",
        userId: user.id,
        username: user.username,
        ip,
        detail: { method },
      });

      if (flow.state === "setup_app") {
        // Choosing a code instead of the app: on to verification, under a new cookie value.
        const token = newToken(deps.random);
        const moved = await stores.flows.advance(
          flow.idHash,
          "setup_app",
          "verify",
          hashToken(token),
        );
        if (!moved) return refuse("expired");
        return { ok: true, kind: "sent", method, destination: to, token };
      }
      return { ok: true, kind: "sent", method, destination: to };
    },
  };
}

/**
 * The code on this flow, if one was sent and is still valid. Read once per loaded flow:
 * the email and SMS factors both ask when an answer is judged (one statement, not two).
 */
export async function liveCode(
  deps: Pick<CodeFactorDeps, "stores" | "clock">,
  ctx: Pick<FactorContext, "flow">,
): Promise<FlowCode | undefined> {
  let read = codesRead.get(ctx.flow);
  if (!read) {
    read = deps.stores.flows.getCode(ctx.flow.idHash);
    codesRead.set(ctx.flow, read);
    // A failed read is not kept: the next asker reads again.
    read.catch(() => codesRead.delete(ctx.flow));
  }
  const code = await read;
  return code && code.expiresAt > deps.clock.now() ? code : undefined;
}

const codesRead = new WeakMap<object, Promise<FlowCode | undefined>>();
