/**
 * Injects latency in front of a real adapter (a backend far away), for the fan-out test and bench:
 * every contract call waits `delayMs` (abortably) before reaching the real backend.
 */
import type { AdapterFactory, CallContext, RegistryAdapter } from "../../src/core/index.js";
import type { FactoryMap } from "../../src/app/adapter-registry.js";

const CALLS = ["listModels", "getModel", "listVersions", "getVersion", "getVersionByAlias", "registerVersion", "setAlias", "removeAlias", "setStage"] as const;
/** Optional calls, delayed when the adapter has them. */
const OPTIONAL_CALLS = ["listVersionsInStage"] as const;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Counts calls in flight across every adapter sharing it: proof of parallel fan-out without timing. */
export interface ConcurrencyProbe {
  inFlight: number;
  peak: number;
  /** Backend ids whose calls overlapped the peak. */
  seen: Set<string>;
}

export function concurrencyProbe(): ConcurrencyProbe {
  return { inFlight: 0, peak: 0, seen: new Set() };
}

export type DelayedCall = (typeof CALLS)[number];

/** `adapter` with every contract call (or only the calls in `only`) delayed by `delayMs`. */
export function delayed(adapter: RegistryAdapter, delayMs: number, probe?: ConcurrencyProbe, only: readonly DelayedCall[] = CALLS): RegistryAdapter {
  const wrapper: Record<string, unknown> = Object.create(adapter) as Record<string, unknown>;
  for (const name of [...only, ...OPTIONAL_CALLS.filter((n) => typeof adapter[n] === "function" && only === CALLS)]) {
    const method = adapter[name] as (...args: unknown[]) => Promise<unknown>;
    wrapper[name] = async (...args: unknown[]) => {
      const ctx = args.find((a): a is CallContext => typeof a === "object" && a !== null && "signal" in a && "deadline" in a);
      if (probe) {
        probe.inFlight += 1;
        probe.seen.add(adapter.info.id);
        probe.peak = Math.max(probe.peak, probe.inFlight);
      }
      try {
        await sleep(delayMs, ctx?.signal ?? new AbortController().signal);
        return await method.apply(adapter, args);
      } finally {
        if (probe) probe.inFlight -= 1;
      }
    };
  }
  return wrapper as unknown as RegistryAdapter;
}

/** The given factories, each creating adapters delayed by `delays[backendId]` ms (0 when absent), on every call or only those in `only`. */
export function delayedFactories(factories: FactoryMap, delays: Readonly<Record<string, number>>, probe?: ConcurrencyProbe, only?: readonly DelayedCall[]): FactoryMap {
  const out = new Map<string, AdapterFactory<unknown>>();
  for (const [kind, factory] of factories) {
    out.set(kind, {
      ...factory,
      async create(id, config, ctx) {
        const adapter = await factory.create(id, config, ctx);
        const ms = delays[id] ?? 0;
        return ms > 0 || probe ? delayed(adapter, ms, probe, only) : adapter;
      },
    });
  }
  return out;
}
