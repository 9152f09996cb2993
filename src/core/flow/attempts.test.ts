// The throttle rules for every factor alike (attempts.ts), with judges the test writes:
// what each verdict costs, and that a fault before a verdict costs nothing.
import { afterEach, describe, expect, it } from "vitest";
import { type CoreFixture, coreFixture } from "../../../test/support/core.js";
import type { Judge, Verdict } from "../factors/factor.js";
import type { Flow } from "../ports/flows.js";
import type { User } from "../ports/users.js";
import { hashToken } from "../secrets.js";
import { type Answer, attempt } from "./attempts.js";
import { startStepUp } from "./flow.js";

const IP = "192.0.2.7";
let f: CoreFixture;
afterEach(async () => {
  await f?.close();
});

/** A flow of `user` at verification (a step-up flow is one, made without a password). */
async function flowOf(user: User): Promise<Flow> {
  const token = await startStepUp(
    f.core,
    { sessionIdHash: "s", userId: user.id },
    { kind: "home" },
  );
  return (await f.core.stores.flows.find(hashToken(token), f.clock.now()))!;
}

const judging =
  (...verdicts: Verdict[]): Judge =>
  async () =>
    verdicts.shift() ?? { kind: "wrong" };

function answer(judges: Judge[], over: Partial<Answer> = {}): Answer {
  return {
    text: "123456",
    wellFormed: true,
    prepare: async () => ({ judges, faults: [] }),
    ip: IP,
    ...over,
  };
}

const matched: Verdict = { kind: "matched", factor: "app", amr: "otp" };
const ok = async () => ({ ok: true as const });
const failedCodes = async (flow: Flow) =>
  (await f.core.stores.flows.find(flow.idHash, f.clock.now()))?.failedCodes;
const accountAllowed = async (user: User) =>
  (await f.core.limits.secondFactor.check(user.id)).allowed;

describe("attempt", () => {
  it("a malformed answer and a locked account are refused before anything is counted", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const user = await f.addUser("al");
    const flow = await flowOf(user);
    const malformed = await attempt(f.core, { flow, user }, answer([], { wellFormed: false }), ok);
    expect(malformed).toEqual({ ok: false, reason: "malformed_code" });
    expect(await failedCodes(flow)).toBe(0);
    await f.core.limits.secondFactor.consume(user.id);
    const locked = await attempt(f.core, { flow, user }, answer([judging(matched)]), ok);
    expect(locked).toMatchObject({ ok: false, reason: "second_factor_locked" });
    expect(await failedCodes(flow)).toBe(0);
  });

  it("a match resets the account's count and runs onMatched once", async () => {
    f = await coreFixture();
    const user = await f.addUser("bo");
    const flow = await flowOf(user);
    await attempt(f.core, { flow, user }, answer([judging({ kind: "wrong" })]), ok);
    let ran = 0;
    const done = await attempt(f.core, { flow, user }, answer([judging(matched)]), async (m) => {
      ran++;
      expect(m).toEqual(matched);
      return { ok: true as const };
    });
    expect(done).toEqual({ ok: true });
    expect(ran).toBe(1);
    expect(await f.core.limits.secondFactor.check(user.id)).toEqual({ allowed: true });
  });

  it("the judges are asked in order until one matches or knows the answer was used", async () => {
    f = await coreFixture();
    const user = await f.addUser("cy");
    const flow = await flowOf(user);
    const asked: string[] = [];
    const spy =
      (name: string, verdict: Verdict): Judge =>
      async () => {
        asked.push(name);
        return verdict;
      };
    await attempt(
      f.core,
      { flow, user },
      answer([spy("a", { kind: "wrong" }), spy("b", { kind: "used" }), spy("c", matched)]),
      ok,
    );
    expect(asked).toEqual(["a", "b"]);
  });

  it("a used answer is refused like a wrong one but gives both attempts back", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const user = await f.addUser("di");
    const flow = await flowOf(user);
    const used = await attempt(f.core, { flow, user }, answer([judging({ kind: "used" })]), ok);
    expect(used).toEqual({
      ok: false,
      reason: "invalid_code",
      triesLeft: 5,
      hint: { kind: "used", recoveryCode: false },
    });
    expect(await failedCodes(flow)).toBe(0);
    expect(await accountAllowed(user)).toBe(true);
  });

  it("wrong answers count; the fifth ends the flow", async () => {
    f = await coreFixture();
    const user = await f.addUser("ed");
    const flow = await flowOf(user);
    for (let i = 1; i <= 4; i++) {
      const wrong = await attempt(f.core, { flow, user }, answer([judging({ kind: "wrong" })]), ok);
      expect(wrong).toEqual({ ok: false, reason: "invalid_code", triesLeft: 5 - i });
      expect(await failedCodes(flow)).toBe(i);
    }
    const fifth = await attempt(f.core, { flow, user }, answer([judging({ kind: "wrong" })]), ok);
    expect(fifth).toEqual({
      ok: false,
      reason: "too_many_codes",
      ended: { purpose: "step-up", continuation: { kind: "home" } },
    });
    expect(await failedCodes(flow)).toBeUndefined();
  });

  it("the wrong answer that takes the account's last point locks it and ends the flow", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "2/86400/900" } });
    const user = await f.addUser("fa");
    const flow = await flowOf(user);
    await attempt(f.core, { flow, user }, answer([judging({ kind: "wrong" })]), ok);
    const second = await attempt(f.core, { flow, user }, answer([judging({ kind: "wrong" })]), ok);
    expect(second).toEqual({
      ok: false,
      reason: "second_factor_locked",
      retryAfterMs: 900_000,
      ended: { purpose: "step-up", continuation: { kind: "home" } },
    });
    expect(await failedCodes(flow)).toBeUndefined();
    expect(await accountAllowed(user)).toBe(false);
  });

  it("a factor that cannot get ready, with nothing else to judge: the fault, nothing charged", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const user = await f.addUser("gil");
    const flow = await flowOf(user);
    const fault = new Error("key does not open");
    const input = answer([], {
      prepare: async () => ({ judges: [], faults: [{ factor: "app", error: fault }] }),
    });
    await expect(attempt(f.core, { flow, user }, input, ok)).rejects.toBe(fault);
    expect(await failedCodes(flow)).toBe(0);
    expect(await accountAllowed(user)).toBe(true);
  });

  it("with another factor to judge, a wrong answer counts and the fault is on the audit event", async () => {
    f = await coreFixture();
    const user = await f.addUser("hy");
    const flow = await flowOf(user);
    const input = answer([judging({ kind: "wrong" })], {
      prepare: async () => ({
        judges: [judging({ kind: "wrong" })],
        faults: [{ factor: "app", error: new Error("x") }],
      }),
    });
    expect(await attempt(f.core, { flow, user }, input, ok)).toEqual({
      ok: false,
      reason: "invalid_code",
      triesLeft: 4,
    });
    expect(await failedCodes(flow)).toBe(1);
    const [event] = await f.core.stores.audit.list({ type: "second_factor_failed", limit: 1 });
    expect(event?.detail).toEqual({ appKeyUnreadable: true, failed: 1 });
  });

  it("a throw before the verdict, or in onMatched, gives both attempts back", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const user = await f.addUser("ivy");
    const flow = await flowOf(user);
    const broken: Judge = async () => {
      throw new Error("store away");
    };
    await expect(attempt(f.core, { flow, user }, answer([broken]), ok)).rejects.toThrow(
      "store away",
    );
    expect(await failedCodes(flow)).toBe(0);
    expect(await accountAllowed(user)).toBe(true);
    await expect(
      attempt(f.core, { flow, user }, answer([judging(matched)]), async () => {
        throw new Error("session store away");
      }),
    ).rejects.toThrow("session store away");
    expect(await failedCodes(flow)).toBe(0);
    expect(await accountAllowed(user)).toBe(true);
  });

  it("however many race, at most the flow's five attempts are judged", async () => {
    f = await coreFixture();
    const user = await f.addUser("jay");
    const flow = await flowOf(user);
    let judged = 0;
    const slowWrong: Judge = async () => {
      judged++;
      await new Promise((resolve) => setImmediate(resolve));
      return { kind: "wrong" };
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => attempt(f.core, { flow, user }, answer([slowWrong]), ok)),
    );
    expect(judged).toBe(5);
    expect(results.filter((r) => !r.ok && r.reason === "too_many_codes")).toHaveLength(1);
  });
});

describe("attempt, the unavailable verdict", () => {
  it("an answer nothing was left to check against is given back; with a wrong one it counts", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "1/86400/900" } });
    const user = await f.addUser("kai");
    const flow = await flowOf(user);
    const gone = await attempt(
      f.core,
      { flow, user },
      answer([judging({ kind: "unavailable" })]),
      ok,
    );
    expect(gone).toEqual({ ok: false, reason: "invalid_code", triesLeft: 5 });
    expect(await failedCodes(flow)).toBe(0);
    expect(await accountAllowed(user)).toBe(true);
    const mixed = await attempt(
      f.core,
      { flow, user },
      answer([judging({ kind: "unavailable" }), judging({ kind: "wrong" })]),
      ok,
    );
    expect(mixed).toMatchObject({ ok: false, reason: "second_factor_locked" });
  });

  it("a match whose flow ended meanwhile stays counted and resets nothing", async () => {
    f = await coreFixture({ env: { LIMIT_SECOND_FACTOR: "3/86400/900" } });
    const user = await f.addUser("lou");
    const flow = await flowOf(user);
    await attempt(f.core, { flow, user }, answer([judging({ kind: "wrong" })]), ok);
    const expired = await attempt(f.core, { flow, user }, answer([judging(matched)]), async () => ({
      ok: false as const,
      reason: "expired" as const,
    }));
    expect(expired).toEqual({ ok: false, reason: "expired" });
    // Two attempts taken, none reset: the third takes the last point.
    const third = await f.core.limits.secondFactor.consume(user.id);
    expect(third.allowed && third.blockedForMs).toBeGreaterThan(0);
  });
});
