/**
 * Counts every call the gateway makes into its adapters (any method of a RegistryAdapter), to prove
 * that a request was refused before any backend was reached: wraps real adapters, changes nothing.
 */
import type { AdapterFactory, RegistryAdapter } from "../../src/core/index.js";
import type { FactoryMap } from "../../src/app/adapter-registry.js";

export interface CallCounter {
  calls: number;
  /** Method names, in call order (for failure messages). */
  log: string[];
}

export function callCounter(): CallCounter {
  return { calls: 0, log: [] };
}

function counted(adapter: RegistryAdapter, counter: CallCounter): RegistryAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counter.calls += 1;
        counter.log.push(`${target.info.id}.${String(prop)}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The given factories, each creating adapters whose calls `counter` counts. */
export function countingFactories(factories: FactoryMap, counter: CallCounter): FactoryMap {
  const out = new Map<string, AdapterFactory<unknown>>();
  for (const [kind, factory] of factories) {
    out.set(kind, {
      ...factory,
      async create(id, config, ctx) {
        return counted(await factory.create(id, config, ctx), counter);
      },
    });
  }
  return out;
}
