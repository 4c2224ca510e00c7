import type { ModelFilter as CoreModelFilter, VersionFilter } from "../../core/index.js";
import type { ModelFilter, ModelVersionFilter, TagInput } from "../types/inputs.js";

function tagMap(tags: TagInput[] | undefined | null): Record<string, string> | undefined {
  if (!tags || tags.length === 0) return undefined;
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

export function toModelFilter(f: ModelFilter): CoreModelFilter {
  const tags = tagMap(f.tags);
  return {
    ...(f.nameContains == null ? {} : { nameContains: f.nameContains }),
    ...(tags === undefined ? {} : { tags }),
  };
}

export function toVersionFilter(f: ModelVersionFilter): VersionFilter {
  const tags = tagMap(f.tags);
  return {
    ...(f.stage == null ? {} : { stage: f.stage }),
    ...(tags === undefined ? {} : { tags }),
  };
}
