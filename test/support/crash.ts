// A process that "dies" right after a commit: the transaction of a change (with its audit
// event and queued notices) commits, then the request fails before anything after the
// commit runs — the notices are not sent, nothing else happens. The next instance on the
// same database must find everything in place (issue 14: nothing lost in a crash).
import type { Stores } from "../../src/core/ports/stores.js";
import type { SystemOverrides } from "../../src/system.js";

export interface Crash {
  /** Set: the next commit of a root transaction is followed by the process "dying". */
  armed: boolean;
  overrides: Pick<SystemOverrides, "wrapStores">;
}

export class ProcessDied extends Error {
  override readonly name = "ProcessDied";
}

export function crashAfterCommit(): Crash {
  let root: Stores | undefined;
  const crash: Crash = {
    armed: false,
    overrides: {
      wrapStores: (stores) => {
        // The first stores wrapped are the root ones; a transaction's are left alone.
        root ??= stores;
        if (stores !== root) return stores;
        return {
          ...stores,
          atomically: async <T>(work: (tx: Stores) => Promise<T>): Promise<T> => {
            const result = await stores.atomically(work);
            if (crash.armed) {
              crash.armed = false;
              throw new ProcessDied("the process died right after the commit");
            }
            return result;
          },
        };
      },
    },
  };
  return crash;
}
