// Faults injected at the adapter boundary: every store slice method ("flows.take",
// "authenticators.useStep", "audit.append", …) and the account's second-factor limiter
// ("limiter.consume", "limiter.refund") reject while armed by name.
import type { Limits } from "../../src/core/ports/limits.js";
import type { Stores } from "../../src/core/ports/stores.js";
import type { SystemOverrides } from "../../src/system.js";

export interface Faults {
  /** Names of the calls that fail now; clear() to heal. */
  armed: Set<string>;
  overrides: Pick<SystemOverrides, "wrapStores" | "wrapLimits">;
}

export function injectFaults(): Faults {
  const armed = new Set<string>();
  const wrap = <O extends object>(target: O, prefix: string): O =>
    new Proxy(target, {
      get(obj, prop, recv) {
        const value = Reflect.get(obj, prop, recv);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) =>
          armed.has(`${prefix}${String(prop)}`)
            ? Promise.reject(new Error(`injected fault: ${prefix}${String(prop)}`))
            : value.apply(obj, args);
      },
    });
  return {
    armed,
    overrides: {
      wrapStores: (stores) =>
        Object.fromEntries(
          Object.entries(stores).map(([slice, adapter]) => [slice, wrap(adapter, `${slice}.`)]),
        ) as unknown as Stores,
      wrapLimits: (limits): Limits => ({
        ...limits,
        secondFactor: wrap(limits.secondFactor, "limiter."),
      }),
    },
  };
}
