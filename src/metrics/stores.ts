import type { Stores } from "../core/ports/stores.js";
import type { Metrics } from "./metrics.js";

/**
 * The stores with every call timed into vestibule_store_seconds{slice,op}. Wrapped once
 * at start, each method with its own labelled child, so a call costs two clock reads
 * and one observation. A transaction counts as one call {slice="transaction",
 * op="atomically"}.
 */
export function timeStores(stores: Stores, histogram: Metrics["store"]): Stores {
  const timed: Record<string, unknown> = {};
  for (const [slice, adapter] of Object.entries(stores) as [string, unknown][]) {
    if (typeof adapter === "function") {
      // atomically: the whole transaction is one observation; the calls inside it run on
      // the transaction's own slices, made per transaction, and are not timed one by one.
      const child = histogram.labels("transaction", slice);
      timed[slice] = async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await adapter.apply(stores, args);
        } finally {
          child.observe((performance.now() - started) / 1000);
        }
      };
      continue;
    }
    const methods: Record<string, unknown> = {};
    for (const op of Object.keys(adapter as object)) {
      const fn = (adapter as Record<string, unknown>)[op];
      if (typeof fn !== "function") {
        methods[op] = fn;
        continue;
      }
      const child = histogram.labels(slice, op);
      methods[op] = async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await fn.apply(adapter, args);
        } finally {
          child.observe((performance.now() - started) / 1000);
        }
      };
    }
    timed[slice] = methods;
  }
  return timed as unknown as Stores;
}
