/**
 * One model.yaml, as BentoML's ModelInfo reads it (bentoml/_internal/models/model.py): name, version,
 * module, labels, options, metadata, context, signatures, api_version, creation_time.
 */
import { isMap, isScalar, LineCounter, type Document, type Node } from "yaml";
import { parseCreationTime, type CreationTime } from "./creation-time.js";
import { isMapping } from "./metadata.js";
import { PyTimestamp, parsePyYaml, YamlSyntaxError } from "./pyyaml.js";

export interface ModelInfo {
  name: string;
  version: string;
  module: string;
  labels: Record<string, string>;
  metadata: Record<string, unknown>;
  /** context.framework_name, when set. */
  framework?: string;
  apiVersion?: string;
  created: CreationTime;
}

/** What is wrong with a model.yaml, and where. */
export class ModelYamlError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "ModelYamlError";
  }
}

function lineOf(doc: Document, counter: LineCounter, key: string): number {
  const contents = doc.contents;
  if (!isMap(contents)) return 1;
  const pair = contents.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  const node = (pair?.value ?? pair?.key) as Node | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

/** Parses and checks a model.yaml found at models/<dirName>/<versionDir>/. */
export function readModelInfo(text: string, dirName: string, versionDir: string): ModelInfo {
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parsePyYaml(text, counter);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new ModelYamlError(`not valid YAML: ${err.message}`, "(file)", err.line);
    throw err;
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (!isMapping(raw)) throw new ModelYamlError("malformed model.yaml: expected a mapping of fields", "(file)", 1);
  const fail = (field: string, message: string): never => {
    throw new ModelYamlError(`${field}: ${message}`, field, lineOf(doc, counter, field));
  };

  const name = raw["name"];
  if (typeof name !== "string") fail("name", "missing, or not a string");
  if ((name as string).toLowerCase() !== dirName) fail("name", `"${String(name)}" does not match the model's directory "${dirName}"`);
  const version = raw["version"];
  if (typeof version !== "string") fail("version", `must be a string (BentoML reads ${JSON.stringify(version ?? null)} as ${version === undefined ? "missing" : typeof version}: quote it)`);
  if ((version as string).toLowerCase() !== versionDir) fail("version", `"${String(version)}" does not match the version's directory "${versionDir}"`);

  const createdRaw = raw["creation_time"];
  const createdText = createdRaw instanceof PyTimestamp ? createdRaw.text : typeof createdRaw === "string" ? createdRaw : undefined;
  const created = createdText === undefined ? undefined : parseCreationTime(createdText);
  if (created === undefined) fail("creation_time", `expected an ISO 8601 time such as '2026-12-06T15:59:37.488742+00:00', got ${JSON.stringify(createdText ?? createdRaw ?? null)}`);

  const labelsRaw = raw["labels"] ?? {};
  if (!isMapping(labelsRaw)) fail("labels", "must be a mapping of strings to strings");
  // BentoML converts label values to strings when it loads them (normalize_labels_value).
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labelsRaw as Record<string, unknown>)) labels[k] = v instanceof PyTimestamp ? v.text : String(v);

  const metadataRaw = raw["metadata"] ?? {};
  if (!isMapping(metadataRaw)) fail("metadata", "must be a mapping");

  const module = raw["module"];
  const context = raw["context"];
  const framework = isMapping(context) && typeof context["framework_name"] === "string" && context["framework_name"] !== "" ? context["framework_name"] : undefined;
  const apiVersion = typeof raw["api_version"] === "string" ? raw["api_version"] : undefined;

  return {
    name: name as string,
    version: (version as string).toLowerCase(),
    module: typeof module === "string" ? module : "",
    labels,
    metadata: metadataRaw as Record<string, unknown>,
    ...(framework === undefined ? {} : { framework }),
    ...(apiVersion === undefined ? {} : { apiVersion }),
    created: created as CreationTime,
  };
}

