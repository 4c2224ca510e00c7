/** A model snapshot as the gateway's RegisteredModel and ModelVersion. */
import { pathToFileURL } from "node:url";
import type { ModelVersion, RegisteredModel } from "modelgate/core";
import { LATEST_ALIAS, OWN_LABELS, stageFromLabel, userLabels } from "./labels.js";
import { splitMetadata } from "./metadata.js";
import type { ModelSnapshot, VersionRecord } from "./store-reader.js";

/**
 * Alias -> version. An alias is a label `modelgate.alias.<name>` whose value is when it was set; were
 * two versions to carry it (a write cut short between its two steps), the later setting holds.
 * `latest` is BentoML's pointer.
 */
export function aliasesOf(snapshot: ModelSnapshot): Map<string, string> {
  const best = new Map<string, { version: string; at: number; micros: number }>();
  for (const v of snapshot.versions) {
    for (const [key, value] of Object.entries(v.info.labels)) {
      if (!key.startsWith(OWN_LABELS.aliasPrefix)) continue;
      const alias = key.slice(OWN_LABELS.aliasPrefix.length);
      if (alias === "" || alias === LATEST_ALIAS) continue;
      const parsed = Date.parse(value);
      const at = Number.isNaN(parsed) ? -Infinity : parsed;
      const held = best.get(alias);
      if (held === undefined || at > held.at || (at === held.at && v.info.created.micros > held.micros)) {
        best.set(alias, { version: v.id, at, micros: v.info.created.micros });
      }
    }
  }
  const out = new Map<string, string>();
  if (snapshot.latest !== undefined) out.set(LATEST_ALIAS, snapshot.latest.id);
  for (const [alias, held] of [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out.set(alias, held.version);
  return out;
}

export function toRegisteredModel(backendId: string, snapshot: ModelSnapshot): RegisteredModel {
  const aliases = Object.fromEntries(aliasesOf(snapshot));
  const first = snapshot.versions[0];
  const updated = snapshot.versions.reduce<Date | undefined>((acc, v) => (acc === undefined || v.mtime > acc ? v.mtime : acc), undefined);
  return {
    backendId,
    name: snapshot.name,
    ...(snapshot.description === undefined ? {} : { description: snapshot.description }),
    tags: snapshot.latest === undefined ? {} : userLabels(snapshot.latest.info.labels),
    aliases,
    ...(first === undefined ? {} : { createdAt: first.info.created.date }),
    ...(updated === undefined ? {} : { updatedAt: updated }),
    ...(snapshot.latest === undefined ? {} : { latestVersion: snapshot.latest.id }),
  };
}

/** Read-only tags derived from model.yaml, beside the labels. */
export function derivedTags(snapshot: ModelSnapshot, v: VersionRecord, sizeBytes: number | undefined): Record<string, string> {
  const tags: Record<string, string> = { "bentoml.tag": `${snapshot.dirName}:${v.id}` };
  if (v.info.module !== "") tags["bentoml.module"] = v.info.module;
  if (v.info.framework !== undefined) tags["bentoml.framework"] = v.info.framework;
  if (sizeBytes !== undefined) tags["bentoml.size_bytes"] = String(sizeBytes);
  return tags;
}

export function toModelVersion(
  backendId: string,
  snapshot: ModelSnapshot,
  v: VersionRecord,
  aliases: ReadonlyMap<string, string>,
  sizeBytes: number | undefined,
): ModelVersion {
  const labels = v.info.labels;
  const { stage, unknown } = stageFromLabel(labels[OWN_LABELS.stage]);
  const { params, metrics, lineage } = splitMetadata(v.info.metadata);
  const description = labels[OWN_LABELS.description];
  const createdBy = labels[OWN_LABELS.createdBy];
  return {
    backendId,
    modelName: snapshot.name,
    version: v.id,
    stage,
    ...(unknown === undefined ? {} : { nativeStage: unknown }),
    artifactUri: labels[OWN_LABELS.artifactUri] ?? pathToFileURL(v.dir).href,
    ...(description === undefined ? {} : { description }),
    tags: { ...userLabels(labels), ...derivedTags(snapshot, v, sizeBytes) },
    params,
    metrics,
    lineage,
    aliases: [...aliases.entries()].filter(([, version]) => version === v.id).map(([alias]) => alias),
    createdAt: v.info.created.date,
    updatedAt: v.mtime,
    ...(createdBy === undefined ? {} : { createdBy }),
  };
}
