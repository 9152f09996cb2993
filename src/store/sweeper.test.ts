import { describe, expect, test, vi } from "vitest";
import { type Expiring, startSweeper } from "./sweeper.js";

function fakeStore(sweep: (now: number) => Promise<number>): Expiring[] {
  return [{ deleteExpired: sweep }];
}

describe("startSweeper", () => {
  test("a failing sweep is reported, not thrown, and the next one runs", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const sweeper = startSweeper(
      fakeStore(async () => {
        calls++;
        if (calls === 1) throw new Error("connection refused");
        return 3;
      }),
      () => 42,
      (err) => errors.push(err),
    );
    expect(await sweeper.sweepNow()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(await sweeper.sweepNow()).toBe(3);
    sweeper.stop();
  });

  test("sweeps on one instance never overlap", async () => {
    let release: (n: number) => void = () => {};
    let calls = 0;
    const sweeper = startSweeper(
      fakeStore(() => {
        calls++;
        return new Promise<number>((resolve) => {
          release = resolve;
        });
      }),
      () => 1,
      () => {},
    );
    const first = sweeper.sweepNow();
    expect(await sweeper.sweepNow()).toBe(0);
    release(5);
    expect(await first).toBe(5);
    expect(calls).toBe(1);
    sweeper.stop();
  });

  test("stop() during a timed sweep schedules no further sweep", async () => {
    vi.useFakeTimers();
    try {
      let release: (n: number) => void = () => {};
      let calls = 0;
      const sweeper = startSweeper(
        fakeStore(() => {
          calls++;
          return new Promise<number>((resolve) => {
            release = resolve;
          });
        }),
        () => 1,
        () => {},
        1000,
      );
      await vi.advanceTimersByTimeAsync(1300); // interval + at most 20% jitter
      expect(calls).toBe(1);
      sweeper.stop();
      release(0);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
