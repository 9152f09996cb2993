import type { Factor, FactorContext, Matched, Started } from "../factors/factor.js";
import { getEnabledMethods } from "../policy.js";
import type { Refusal } from "../reasons.js";
import { refuse } from "../reasons.js";
import { rememberDevice } from "../remembered-devices.js";
import { UnreadableSecret } from "../secrets.js";
import { type Client, startSession } from "../sessions.js";
import { type Answer, attempt, type Prepared } from "./attempts.js";
import { type FlowDeps, type LoadedFlow, loadFlow, type Next } from "./flow.js";

/**
 * Confirm on the verification screen. The answer is judged by every factor that can judge
 * it on this flow (a code sent by email/SMS first, then the authenticator app), counted
 * once before any of them checks it (attempts.ts).
 */
export async function verify(
  deps: FlowDeps,
  token: string | undefined,
  answer: string,
  ip: string,
  /** "Remember this device" was ticked: this browser, as it describes itself (issue 11). */
  remember?: { userAgent: string },
  /** The browser's User-Agent, for the session a sign-in begins. */
  userAgent: string | null = null,
): Promise<Next | Refusal> {
  const loaded = await loadFlow(deps, token);
  if (!loaded) return refuse("expired");
  if (loaded.flow.state !== "verify") return refuse("wrong_step");
  const factors = deps.factors.all;
  const input: Answer = {
    text: answer,
    wellFormed: factors.some((f) => f.accepts(answer)),
    // Only the factors whose answers look like this one: a recovery code is never checked
    // as an app code nor the other way round, and a factor that cannot get ready (its key
    // unreadable) is not masked by one that could never match.
    prepare: () =>
      prepareAll(
        factors.filter((f) => f.accepts(answer)),
        loaded,
      ),
    ip,
  };
  return attempt(deps, loaded, input, (matched) =>
    finish(deps, loaded, matched, { ip, userAgent }, remember),
  );
}

/**
 * Each factor's judge, made before the attempt. A factor whose key does not open here is
 * noted (the others may still judge the answer); any other failure — the store away — is
 * thrown now, before anything is counted.
 */
export async function prepareAll(
  factors: readonly Factor[],
  ctx: FactorContext,
): Promise<Prepared> {
  const prepared: Prepared = { judges: [], faults: [] };
  for (const factor of factors) {
    try {
      const judge = await factor.prepare(ctx);
      if (judge) prepared.judges.push(judge);
    } catch (error) {
      if (!(error instanceof UnreadableSecret)) throw error;
      prepared.faults.push({ factor: factor.id, error });
    }
  }
  return prepared;
}

/**
 * After a correct second factor the flow is consumed once, then: a sign-in gets a new
 * session; a step-up records the fresh proof on the session it belongs to.
 */
async function finish(
  deps: FlowDeps,
  loaded: LoadedFlow,
  matched: Matched,
  client: Client,
  remember?: { userAgent: string },
): Promise<Next | Refusal> {
  const { ip } = client;
  const taken = await deps.stores.flows.take(loaded.flow.idHash, "verify");
  if (!taken) return refuse("expired");
  switch (taken.purpose) {
    case "signin": {
      const session = await startSession(deps, loaded.user, client, {
        amr: ["pwd", matched.amr],
        method: matched.factor,
        continuation: taken.continuation,
      });
      // Only a sign-in remembers a device; a step-up proves a factor for a session that
      // has its browser already.
      const remembered = remember
        ? await rememberDevice(deps, loaded.user, { ip, userAgent: remember.userAgent })
        : undefined;
      return remembered ? { ...session, remembered } : session;
    }
    case "step-up": {
      const proved =
        taken.sessionIdHash !== null &&
        (await deps.stores.sessions.reprove(taken.sessionIdHash, deps.clock.now(), [
          "pwd",
          matched.amr,
        ]));
      if (!proved) return refuse("expired");
      return { ok: true, kind: "done", continuation: taken.continuation };
    }
    // An enrolment confirms a new factor on the set-up screen; it never signs anyone in.
    case "enrol":
      return refuse("wrong_step");
  }
}

/**
 * With the app not enabled, the first code goes out at once (email first) — from the POST
 * that moved the flow into `verify` (password, new password), never from a GET of the
 * page: a cross-site link or a prefetcher must not make us send mail or SMS. Undefined
 * when there is nothing to send.
 */
export async function sendFirstCode(
  deps: FlowDeps,
  token: string | undefined,
  ip: string,
): Promise<{ method: string; result: Started | Refusal } | undefined> {
  // The methods first (the settings cache): with the app enabled nothing is sent, and the
  // flow need not be read again.
  if ((await getEnabledMethods(deps.stores.settings)).includes("app")) return undefined;
  const loaded = await loadFlow(deps, token);
  if (loaded?.flow.state !== "verify" || loaded.methods.includes("app")) return undefined;
  const first = deps.factors.codes.find((f) => f.destination(loaded) !== undefined);
  if (!first || (await deps.stores.flows.getCode(loaded.flow.idHash))) return undefined;
  return { method: first.id, result: await first.start(loaded, ip) };
}
