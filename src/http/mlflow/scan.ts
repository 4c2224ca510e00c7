/** Reading a whole backend for a search, a few calls at a time; stage names as MLflow takes them. */
import { DeadlineExceededError, Semaphore, type RegisteredModel } from "../../core/index.js";
import { invalidParameter } from "./errors.js";
import type { RegistryView } from "./view.js";
import { canonicalMlflowStage, type MlflowStage } from "./wire.js";

/** Most models one search reads from a backend. */
export const MAX_MODELS_SCANNED = 10_000;

export function parseStages(stages: readonly string[]): MlflowStage[] {
  return stages.map((s) => {
    const canonical = canonicalMlflowStage(s);
    if (canonical === undefined) throw invalidParameter(`Invalid Model Version stage: ${s}. Value must be one of None, Staging, Production, Archived.`);
    return canonical;
  });
}

/** Every model of the backend, by name (at most MAX_MODELS_SCANNED). */
export async function allModels(view: RegistryView): Promise<RegisteredModel[]> {
  return view.services.catalog.allModels(view.backendId, view.call, MAX_MODELS_SCANNED);
}

/** Runs `task` over items, a few at a time (each may read a backend). */
export async function mapLimited<T, R>(view: RegistryView, items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
  const limit = new Semaphore(4);
  return Promise.all(
    items.map((item) => limit.run(() => task(item), view.call.signal, () => new DeadlineExceededError("the search was cancelled", { backend: view.backendId }))),
  );
}

