/** The edits writes make to a model file, on the `yaml` Document so comments and layout survive. */
import { Document, isMap, isScalar, isSeq, type Node } from "yaml";
import { NUMERIC_VERSION_RE, type Status } from "./entry-schema.js";
import { editYaml, renderYaml } from "./yaml-edit.js";

/** A version entry as written: snake_case keys in the order people read them; undefined keys are left out. */
export interface VersionEntryInput {
  version: string;
  model?: string;
  prompt_ref?: string;
  tools_ref?: string;
  params?: Record<string, unknown>;
  eval?: Record<string, unknown>;
  approved_by?: string;
  status: Status;
  description?: string;
  artifact_uri?: string;
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
  lineage?: Record<string, string>;
  created_at?: string;
  created_by?: string;
  copy_request?: string;
}

const ENTRY_KEYS: ReadonlyArray<keyof VersionEntryInput> = [
  "version",
  "model",
  "prompt_ref",
  "tools_ref",
  "params",
  "eval",
  "approved_by",
  "status",
  "description",
  "artifact_uri",
  "tags",
  "metrics",
  "lineage",
  "created_at",
  "created_by",
  "copy_request",
];

function entryData(entry: VersionEntryInput): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of ENTRY_KEYS) {
    const value = entry[key];
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null && Object.keys(value).length === 0) continue;
    data[key] = key === "version" && NUMERIC_VERSION_RE.test(entry.version) ? Number(entry.version) : value;
  }
  return data;
}

/** Small maps of scalars read best on one line: `params: { max_tokens: 300, temperature: 0.2 }`. */
function compactSmallMaps(node: unknown): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const value = pair.value;
    if (isMap(value)) {
      if (value.items.length > 0 && value.items.length <= 4 && value.items.every((p) => isScalar(p.value))) {
        value.flow = true;
      } else {
        compactSmallMaps(value);
      }
    }
  }
}

export interface NewModelFile {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  version: VersionEntryInput;
}

export function renderNewModelFile(input: NewModelFile): string {
  const data: Record<string, unknown> = { name: input.name };
  if (input.description !== undefined) data["description"] = input.description;
  if (input.tags !== undefined && Object.keys(input.tags).length > 0) data["tags"] = input.tags;
  const doc = new Document(data);
  const entry = doc.createNode(entryData(input.version));
  compactSmallMaps(entry);
  const tags = doc.get("tags", true);
  if (isMap(tags)) tags.flow = true;
  doc.set("versions", doc.createNode([]));
  (doc.get("versions", true) as { items: unknown[] }).items.push(entry);
  return renderYaml(doc);
}

export function appendVersion(source: string, entry: VersionEntryInput): string {
  return editYaml(source, (doc) => {
    const node = doc.createNode(entryData(entry));
    compactSmallMaps(node);
    const versions = doc.get("versions", true);
    if (isSeq(versions) && !(versions.flow && versions.items.length === 0)) {
      // Keep the file's rhythm: a blank line between entries if the existing ones have one.
      const second = versions.items[1] as Node | undefined;
      if (second?.spaceBefore) node.spaceBefore = true;
      versions.items.push(node);
    } else {
      doc.set("versions", doc.createNode([entryData(entry)]));
      compactSmallMaps((doc.get("versions", true) as { items: unknown[] }).items[0]);
    }
  });
}

export function setAliasIn(source: string, alias: string, version: string): string {
  return editYaml(source, (doc) => {
    const aliases = doc.get("aliases", true);
    if (isMap(aliases)) {
      aliases.set(alias, version);
      return;
    }
    const pair = doc.createPair("aliases", { [alias]: version });
    const contents = doc.contents;
    if (!isMap(contents)) throw new Error("a model file is a map");
    contents.delete("aliases");
    // New keys go before `versions`, where readers look for them.
    const at = contents.items.findIndex((p) => isScalar(p.key) && p.key.value === "versions");
    if (at < 0) contents.items.push(pair);
    else contents.items.splice(at, 0, pair);
  });
}

export function removeAliasIn(source: string, alias: string): string {
  return editYaml(source, (doc) => {
    doc.deleteIn(["aliases", alias]);
    const aliases = doc.get("aliases", true);
    if (isMap(aliases) && aliases.items.length === 0) doc.delete("aliases");
  });
}

/** Removes the version entry at `index` and every alias pointing at `version`. */
export function removeVersionIn(source: string, index: number, version: string): string {
  return editYaml(source, (doc) => {
    doc.deleteIn(["versions", index]);
    const aliases = doc.get("aliases", true);
    if (!isMap(aliases)) return;
    for (const pair of [...aliases.items]) {
      const value = isScalar(pair.value) ? String(pair.value.value) : undefined;
      if (value === version && isScalar(pair.key)) aliases.delete(pair.key.value);
    }
    if (aliases.items.length === 0) doc.delete("aliases");
  });
}

/** Sets a version's `status`, and its `approved_by` when given (a new key goes just before `status`). */
export function setStatusIn(source: string, index: number, status: Status, approvedBy?: string): string {
  return editYaml(source, (doc) => {
    doc.setIn(["versions", index, "status"], status);
    if (approvedBy === undefined) return;
    const entry = doc.getIn(["versions", index], true);
    if (!isMap(entry)) throw new Error("a version entry is a map");
    if (entry.has("approved_by")) {
      entry.set("approved_by", approvedBy);
      return;
    }
    const pair = doc.createPair("approved_by", approvedBy);
    const at = entry.items.findIndex((p) => isScalar(p.key) && p.key.value === "status");
    if (at < 0) entry.items.push(pair);
    else entry.items.splice(at, 0, pair);
  });
}

/** card section names as the YAML file spells them: intendedUse -> intended_use. */
export function cardKey(section: string): string {
  return section.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Sets the model's `card` (index undefined, placed before `aliases`/`versions`) or one version's,
 * to exactly `sections`; no sections removes the key.
 */
export function setCardIn(source: string, index: number | undefined, sections: Readonly<Record<string, string>>): string {
  const card = Object.fromEntries(Object.keys(sections).sort().map((k) => [cardKey(k), sections[k]!]));
  return editYaml(source, (doc) => {
    const path = index === undefined ? ["card"] : ["versions", index, "card"];
    if (Object.keys(card).length === 0) {
      doc.deleteIn(path);
      return;
    }
    if (index !== undefined || doc.has("card")) {
      doc.setIn(path, doc.createNode(card));
      return;
    }
    const contents = doc.contents;
    if (!isMap(contents)) throw new Error("a model file is a map");
    const at = contents.items.findIndex((p) => isScalar(p.key) && (p.key.value === "aliases" || p.key.value === "versions"));
    const pair = doc.createPair("card", card);
    if (at < 0) contents.items.push(pair);
    else contents.items.splice(at, 0, pair);
  });
}
