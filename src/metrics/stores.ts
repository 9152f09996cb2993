import type { Stores } from "../core/ports/stores.js";
import type { Metrics } from "./metrics.js";

/**
 * The stores with every call timed into vestibule_store_seconds{slice,op}. Wrapped once
 * at start, each method with its own labelled child, so a call costs two clock reads
 * and one observation.
 */
export function timeStores(stores: Stores, histogram: Metrics["store"]): Stores {
  const timed: Record<string, unknown> = {};
  for (const [slice, adapter] of Object.entries(stores) as [string, object][]) {
    const methods: Record<string, unknown> = {};
    for (const op of Object.keys(adapter)) {
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
