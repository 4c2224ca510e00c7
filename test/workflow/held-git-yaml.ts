/**
 * Fault injection for the outbox's lease tests: the real git-YAML adapter (kind "held-git-yaml")
 * in front of which the test can stall one worker's call, the way a slow network, a far backend or
 * a paused process stalls it and no real backend does on cue. A stall either lets the call through
 * when the test releases it, or ends it when its CallContext is aborted (then the call never
 * reaches the backend: it had not been sent). Every call that reaches the real backend is recorded,
 * so a test can say what the backend saw and from which worker.
 */
import type { AdapterFactory, CallContext, RegistryAdapter } from "../../src/core/index.js";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";

const CALLS = new Set(["listModels", "getModel", "listVersions", "getVersion", "getVersionByAlias", "setStage", "setAlias", "removeAlias", "registerVersion"]);

/** One stall of the next matching call of one worker. */
export class Stall {
  /** How the stalled call ended: let through by the test, or aborted (with its signal's reason name). */
  outcome: { released: true } | { aborted: string } | undefined;
  readonly entered: Promise<void>;
  #enter!: () => void;
  #release!: () => void;
  readonly #released: Promise<void>;
  #used = false;

  constructor(
    readonly worker: string,
    readonly method: string,
    /** Further condition on the call's arguments (e.g. the version a setStage moves). */
    readonly matches: (args: readonly unknown[]) => boolean = () => true,
  ) {
    this.entered = new Promise((resolve) => (this.#enter = resolve));
    this.#released = new Promise((resolve) => (this.#release = resolve));
  }

  release(): void {
    this.#release();
  }

  /** Claims the stall for this call when it matches (once). */
  claim(worker: string, method: string, args: readonly unknown[]): boolean {
    if (this.#used || worker !== this.worker || method !== this.method || !this.matches(args)) return false;
    this.#used = true;
    return true;
  }

  async hold(signal: AbortSignal): Promise<void> {
    this.#enter();
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const reason: unknown = signal.reason;
        this.outcome = { aborted: reason instanceof Error || reason instanceof DOMException ? reason.name : String(reason) };
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void this.#released.then(() => {
        signal.removeEventListener("abort", onAbort);
        if (this.outcome !== undefined) return;
        this.outcome = { released: true };
        resolve();
      });
    });
  }
}

/** The one backend both workers' adapters write to, as the test sees it. */
export interface HeldBackend {
  stalls: Stall[];
  /** Each worker's calls as they were made ("method" or "setStage version:STAGE"), stalled or not. */
  calls: Map<string, string[]>;
  /** Writes that reached the real backend, as "worker version:STAGE". */
  writes: string[];
  /** Extra latency (ms) of every call of a worker before it reaches the backend; aborts end it. */
  delays: Map<string, number>;
}

export function heldBackend(): HeldBackend {
  return { stalls: [], calls: new Map(), writes: [], delays: new Map() };
}

function ctxOf(args: readonly unknown[]): CallContext | undefined {
  return args.find((a): a is CallContext => typeof a === "object" && a !== null && "signal" in a && "deadline" in a);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

/** Adapter factories whose "held-git-yaml" kind is git-yaml as seen through `worker`'s connection. */
export function heldGitYaml(backend: HeldBackend, worker: string): FactoryMap {
  const real = BUILT_IN_ADAPTERS.get("git-yaml")!;
  const factory: AdapterFactory<unknown> = {
    kind: "held-git-yaml",
    description: "git-yaml whose calls a test can stall (tests)",
    configSchema: real.configSchema,
    async create(id, config, ctx): Promise<RegistryAdapter> {
      const inner = await real.create(id, config, ctx);
      return new Proxy(inner, {
        get(target, prop) {
          const value: unknown = Reflect.get(target, prop);
          if (typeof value !== "function") return value;
          const method = value as (...a: unknown[]) => unknown;
          if (typeof prop !== "string" || !CALLS.has(prop)) return method.bind(target);
          return async (...args: unknown[]) => {
            const label = prop === "setStage" ? `setStage ${String(args[1])}:${String(args[2])}` : prop;
            const calls = backend.calls.get(worker) ?? [];
            backend.calls.set(worker, calls);
            calls.push(label);
            const signal = ctxOf(args)?.signal ?? new AbortController().signal;
            const delay = backend.delays.get(worker) ?? 0;
            if (delay > 0) await sleep(delay, signal);
            const stall = backend.stalls.find((s) => s.claim(worker, prop, args));
            if (stall !== undefined) await stall.hold(signal);
            if (prop === "setStage") backend.writes.push(`${worker} ${String(args[1])}:${String(args[2])}`);
            return method.apply(target, args);
          };
        },
      });
    },
  };
  return new Map([...BUILT_IN_ADAPTERS, [factory.kind, factory]]);
}
