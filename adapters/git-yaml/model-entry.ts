/**
 * A model as served at one commit: its parsed file, checked against the prompts and tool schemas of
 * that commit. Versions with a problem are excluded; the rest of the model is still served.
 */
import { parseRef, type ModelVersion, type RegisteredModel } from "../../src/core/index.js";
import type { TreeFile } from "./git-objects.js";
import { compareVersions } from "./pagination.js";
import type { ModelFileParse, ParsedModelFile, ParsedVersion } from "./parse-model-file.js";
import { compareProblems, type RegistryProblem } from "./problems.js";
import { toModelVersion, toRegisteredModel } from "./to-domain.js";

export interface ToolFile extends TreeFile {
  /** The parsed JSON, when the file is valid. */
  tools?: unknown;
  problem?: RegistryProblem;
}

/** The prompt and tool files of one commit, keyed by "name@version". */
export interface RefFiles {
  prompts: Map<string, TreeFile>;
  tools: Map<string, ToolFile>;
}

export interface ModelEntry {
  path: string;
  file: ParsedModelFile;
  model: RegisteredModel;
  /** Served versions, in version order. */
  versions: ModelVersion[];
  /** Versions in the file that are not served, with why. */
  excluded: Map<string, RegistryProblem[]>;
}

export interface EntryBuild {
  /** Undefined when the whole file is unusable. */
  entry?: ModelEntry;
  problems: RegistryProblem[];
}

export function buildModelEntry(parse: ModelFileParse, refs: RefFiles, backendId: string): EntryBuild {
  const file = parse.file;
  if (file === undefined) return { problems: parse.problems };

  const problems = [...parse.problems];
  for (const v of file.versions) problems.push(...refProblems(parse.path, file.name, v, refs));
  problems.sort(compareProblems);

  const excluded = new Map<string, RegistryProblem[]>();
  for (const p of problems) {
    if (p.version === undefined) continue;
    const list = excluded.get(p.version) ?? [];
    list.push(p);
    excluded.set(p.version, list);
  }
  const versions = file.versions
    .filter((v) => !excluded.has(v.version))
    .map((v) => toModelVersion(backendId, file, v))
    .sort((a, b) => compareVersions(a.version, b.version));
  const model = toRegisteredModel(backendId, file, versions[versions.length - 1]?.version);
  return { entry: { path: parse.path, file, model, versions, excluded }, problems };
}

function refProblems(path: string, model: string, v: ParsedVersion, refs: RefFiles): RegistryProblem[] {
  const problems: RegistryProblem[] = [];
  const at = (field: string, message: string): RegistryProblem => ({
    file: path,
    line: v.fieldLines[field] ?? v.line,
    field: `versions[${v.index}].${field}`,
    message,
    model,
    version: v.version,
  });
  if (v.promptRef !== undefined && !refs.prompts.has(v.promptRef)) {
    const ref = parseRef(v.promptRef);
    problems.push(
      at("prompt_ref", `prompt_ref "${v.promptRef}" of version ${v.version} does not resolve: there is no prompts/${ref?.name}/${ref?.version}.md (or .txt) in this commit`),
    );
  }
  if (v.toolsRef !== undefined) {
    const tools = refs.tools.get(v.toolsRef);
    if (tools === undefined) {
      const ref = parseRef(v.toolsRef);
      problems.push(
        at("tools_ref", `tools_ref "${v.toolsRef}" of version ${v.version} does not resolve: there is no tools/${ref?.name}/${ref?.version}.json in this commit`),
      );
    } else if (tools.problem !== undefined) {
      problems.push(at("tools_ref", `tools_ref "${v.toolsRef}" of version ${v.version} points at ${tools.path}, which is not valid JSON`));
    }
  }
  return problems;
}
