/**
 * A stage across every model, from one snapshot: the served versions of every model file at HEAD
 * are already parsed in memory, so listing a stage reads nothing more from git than the ref check
 * every read makes.
 */
import type { ModelVersion, Stage } from "../../src/core/index.js";
import type { Snapshot } from "./snapshot.js";

/** Versions in `stage`, by model name, then version (copies: callers may change them). */
export function versionsInStage(snapshot: Snapshot, stage: Stage): ModelVersion[] {
  const out: ModelVersion[] = [];
  for (const entry of snapshot.sortedModels) {
    for (const v of entry.versions) if (v.stage === stage) out.push(structuredClone(v));
  }
  return out;
}
