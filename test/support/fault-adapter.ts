/**
 * Fault injection only: an adapter kind whose calls fail the way no real peer fails on demand
 * (an outage switched on and off, a programming error). Registered under kind "fault".
 */
import { z } from "zod";
import {
  UnavailableError,
  defineAdapter,
  type AdapterFactory,
  type RegisteredModel,
  type RegistryAdapter,
} from "../../src/core/index.js";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";

export interface FaultSwitch {
  /** "outage": typed UnavailableError; "bug": a TypeError (an unexpected fault); "none": serve `models`. */
  mode: "outage" | "bug" | "none";
  models: string[];
  /** How long registerVersion takes (a slow backend write). */
  writeDelayMs?: number;
  /** registerVersion calls this when it starts, then waits for `writeHeld` (a write in flight that the test ends). */
  onWriteStarted?: () => void;
  writeHeld?: Promise<void>;
}

export function faultFactories(control: FaultSwitch): FactoryMap {
  const factory = defineAdapter({
    kind: "fault",
    description: "fault injection for tests",
    configSchema: z.object({}).passthrough(),
    async create(id: string): Promise<RegistryAdapter> {
      const fail = () => {
        if (control.mode === "outage") throw new UnavailableError(`${id} is down (injected)`, { backend: id });
        if (control.mode === "bug") throw new TypeError("secret internal detail (injected bug)");
      };
      const model = (name: string): RegisteredModel => ({ backendId: id, name, tags: {}, aliases: {} });
      const adapter: Partial<RegistryAdapter> = {
        info: { id, kind: "fault" },
        capabilities: () => ({ asOf: false, generationConfigs: false, prompts: false, aliases: true, maxPageSize: 100, writes: false }),
        health: async () => ({ state: control.mode === "none" ? "UP" : "DOWN", latencyMs: 0, checkedAt: new Date() }),
        listModels: async () => {
          fail();
          return { items: control.models.map(model) };
        },
        getModel: async (name: string) => {
          fail();
          return model(name);
        },
        registerVersion: async (input) => {
          control.onWriteStarted?.();
          await control.writeHeld;
          await new Promise((r) => setTimeout(r, control.writeDelayMs ?? 0));
          fail();
          return {
            backendId: id,
            modelName: input.modelName,
            version: "1",
            stage: "NONE",
            tags: {},
            params: {},
            metrics: {},
            lineage: {},
            aliases: [],
          };
        },
        close: async () => {},
      };
      return adapter as RegistryAdapter;
    },
  }) as AdapterFactory<unknown>;
  return new Map([...BUILT_IN_ADAPTERS, ["fault", factory]]);
}
