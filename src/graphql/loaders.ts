/**
 * Per-request DataLoaders: a model asked for by many versions in one response is fetched once, and
 * so are a model's open drift observations.
 */
import DataLoader from "dataloader";
import type { CallContext, RegisteredModel } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { Store } from "../store/store.js";
import type { DriftObservationRecord } from "../store/workflow-store.js";

export interface ModelKey {
  backendId: string;
  name: string;
  asOf?: Date;
}

export interface DriftKey {
  backendId: string;
  name: string;
}

export interface Loaders {
  model: DataLoader<ModelKey, RegisteredModel, string>;
  /** The open drift observations of a model, by version (from the store: no backend call). */
  drifts: DataLoader<DriftKey, ReadonlyMap<string, DriftObservationRecord>, string>;
}

export function createLoaders(catalog: Catalog, call: CallContext, store: Store): Loaders {
  return {
    drifts: new DataLoader<DriftKey, ReadonlyMap<string, DriftObservationRecord>, string>(
      (keys) =>
        Promise.all(
          keys.map(async (k) => {
            const open = await store.workflow.listOpenDrifts(k.backendId, k.name);
            return new Map(open.map((o) => [o.version, o]));
          }),
        ),
      { cacheKeyFn: (k) => JSON.stringify([k.backendId, k.name]) },
    ),
    model: new DataLoader<ModelKey, RegisteredModel, string>(
      (keys) =>
        Promise.all(
          keys.map((k) =>
            catalog
              .backend(k.backendId)
              .getModel(k.name, call, k.asOf === undefined ? {} : { asOf: k.asOf })
              .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
          ),
        ),
      { cacheKeyFn: (k) => JSON.stringify([k.backendId, k.name, k.asOf?.toISOString() ?? null]) },
    ),
  };
}
