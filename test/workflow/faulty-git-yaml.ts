/**
 * Fault injection for applies: the real git-YAML adapter (kind "faulty-git-yaml") whose setStage
 * fails on demand for chosen version/stage pairs, the way no real backend fails on cue.
 */
import type { AdapterFactory, RegistryAdapter, Stage } from "../../src/core/index.js";
import { ConflictError, UnavailableError } from "../../src/core/index.js";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";

export interface SetStageFaults {
  /** "version:STAGE" -> how setStage of that pair fails: "refused" (permanent) or "outage" (transient). */
  fail: Map<string, "refused" | "outage">;
  /** setStage calls seen, as "version:STAGE". */
  calls: string[];
}

export function faultyGitYaml(faults: SetStageFaults): FactoryMap {
  const real = BUILT_IN_ADAPTERS.get("git-yaml")!;
  const factory: AdapterFactory<unknown> = {
    kind: "faulty-git-yaml",
    description: "git-yaml with injected setStage failures (tests)",
    configSchema: real.configSchema,
    async create(id, config, ctx): Promise<RegistryAdapter> {
      const inner = await real.create(id, config, ctx);
      const setStage: RegistryAdapter["setStage"] = async (modelName, version, stage: Stage, callCtx, opts) => {
        const key = `${version}:${stage}`;
        faults.calls.push(key);
        const fault = faults.fail.get(key);
        if (fault === "refused") throw new ConflictError(`${id} refused to set ${key} (injected)`, { backend: id });
        if (fault === "outage") throw new UnavailableError(`${id} is down (injected)`, { backend: id });
        return inner.setStage(modelName, version, stage, callCtx, opts);
      };
      return new Proxy(inner, {
        get(target, prop) {
          if (prop === "setStage") return setStage;
          const value: unknown = Reflect.get(target, prop);
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
  return new Map([...BUILT_IN_ADAPTERS, [factory.kind, factory]]);
}
