/**
 * Metadata edits of a model file (descriptions and tags of the model or of one version entry), on
 * the `yaml` Document so comments and layout survive, and the file of a model created empty.
 */
import { Document, isMap, isScalar, type YAMLMap } from "yaml";
import type { MetadataPatch } from "../../src/core/index.js";
import { editYaml, renderYaml } from "./yaml-edit.js";

export function renderEmptyModelFile(input: { name: string; description?: string; tags?: Record<string, string> }): string {
  const data: Record<string, unknown> = { name: input.name };
  if (input.description !== undefined && input.description !== "") data["description"] = input.description;
  if (input.tags !== undefined && Object.keys(input.tags).length > 0) data["tags"] = input.tags;
  data["versions"] = [];
  const doc = new Document(data);
  const tags = doc.get("tags", true);
  if (isMap(tags)) tags.flow = true;
  return renderYaml(doc);
}

/** Puts `key` in `map`, before `before` when it is new and `before` is there (where readers look). */
function setBefore(doc: Document, map: YAMLMap, key: string, value: unknown, before: readonly string[]): void {
  if (map.has(key)) {
    map.set(key, value);
    return;
  }
  const pair = doc.createPair(key, value);
  const at = map.items.findIndex((p) => isScalar(p.key) && before.includes(String(p.key.value)));
  if (at < 0) map.items.push(pair);
  else map.items.splice(at, 0, pair);
}

/** Applies a patch to a map (the file's top level, or one version entry). */
function patchMap(doc: Document, map: YAMLMap, patch: MetadataPatch, before: readonly string[]): void {
  if (patch.description !== undefined) {
    if (patch.description === "") map.delete("description");
    else setBefore(doc, map, "description", patch.description, ["tags", ...before]);
  }
  const set = Object.entries(patch.setTags ?? {});
  const remove = patch.removeTags ?? [];
  if (set.length === 0 && remove.length === 0) return;
  const found: unknown = map.get("tags", true);
  let tagMap: YAMLMap;
  if (isMap(found)) {
    tagMap = found;
  } else {
    if (set.length === 0) return;
    tagMap = doc.createNode({}) as YAMLMap;
    tagMap.flow = true;
    setBefore(doc, map, "tags", tagMap, before);
  }
  for (const [key, value] of set) tagMap.set(key, value);
  for (const key of remove) tagMap.delete(key);
  if (tagMap.items.length === 0) map.delete("tags");
}

export function patchModelIn(source: string, patch: MetadataPatch): string {
  return editYaml(source, (doc) => {
    const contents = doc.contents;
    if (!isMap(contents)) throw new Error("a model file is a map");
    patchMap(doc, contents, patch, ["aliases", "versions"]);
  });
}

export function patchVersionIn(source: string, index: number, patch: MetadataPatch): string {
  return editYaml(source, (doc) => {
    const entry = doc.getIn(["versions", index], true);
    if (!isMap(entry)) throw new Error("a version entry is a map");
    patchMap(doc, entry, patch, ["metrics", "lineage", "created_at", "created_by", "copy_request"]);
  });
}
