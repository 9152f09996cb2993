/** Rows with an expiry: sessions, flows (their store slices). */
export interface Expiring {
  deleteExpired(now: number): Promise<number>;
}

export interface Sweeper {
  stop(): void;
  /** One sweep now (tests); resolves with rows removed, or 0 when one is already running. */
  sweepNow(): Promise<number>;
}

/**
 * Deletes expired sessions and flows every `intervalMs`, with jitter so that
 * several instances do not sweep in lockstep. Safe with any number of instances: each
 * sweep is a plain DELETE … WHERE expires_at <= now, so concurrent sweeps just split the
 * rows (the store contract races two). A sweep never overlaps the previous one on the
 * same instance, and a failure (store away) is reported and retried next time, never thrown.
 */
export function startSweeper(
  tables: readonly Expiring[],
  now: () => number,
  onError: (err: unknown) => void,
  intervalMs = 60_000,
): Sweeper {
  let running = false;
  // stop() during a running sweep: the sweep's .finally must not schedule another.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const sweepNow = async (): Promise<number> => {
    if (running) return 0;
    running = true;
    try {
      const at = now();
      let removed = 0;
      for (const table of tables) removed += await table.deleteExpired(at);
      return removed;
    } catch (err) {
      onError(err);
      return 0;
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    if (stopped) return;
    const jitter = Math.floor(Math.random() * intervalMs * 0.2);
    timer = setTimeout(() => {
      void sweepNow().finally(schedule);
    }, intervalMs + jitter);
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
    sweepNow,
  };
}
