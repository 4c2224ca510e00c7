/**
 * Per-request DataLoaders: a model asked for by many versions in one response is fetched once.
 */
import DataLoader from "dataloader";
import type { CallContext, RegisteredModel } from "../core/index.js";
import type { Catalog } from "../gateway/catalog.js";

export interface ModelKey {
  backendId: string;
  name: string;
  asOf?: Date;
}

export interface Loaders {
  model: DataLoader<ModelKey, RegisteredModel, string>;
}

export function createLoaders(catalog: Catalog, call: CallContext): Loaders {
  return {
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
