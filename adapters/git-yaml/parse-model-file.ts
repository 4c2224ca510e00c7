/**
 * Parses and validates one model file. Pure: the same path and text always give the same result, so
 * results are cached by blob id. Checks that need the rest of the commit (do prompt_ref and
 * tools_ref resolve?) are in ./model-entry.ts.
 */
import { LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { isFloatingModelId, type EvalResult, type Lineage, type Tags } from "../../src/core/index.js";
import { modelFileSchema, type Status, type VersionEntryData } from "./entry-schema.js";
import { compareProblems, formatFieldPath, type RegistryProblem } from "./problems.js";
import { lineOfPath, pathAtOffset } from "./yaml-locate.js";

export const MODELS_DIR = "models";
export const MODEL_FILE_RE = /^models\/([^/]+)\.yaml$/;

export interface ParsedVersion {
  version: string;
  /** Position in the file's `versions` list. */
  index: number;
  /** Line of the version's entry, and of each field present. */
  line: number;
  fieldLines: Record<string, number>;
  status: Status;
  model?: string;
  promptRef?: string;
  toolsRef?: string;
  params: Record<string, unknown>;
  eval?: EvalResult;
  approvedBy?: string;
  description?: string;
  artifactUri?: string;
  tags: Tags;
  metrics: Record<string, number>;
  lineage: Lineage;
  createdAt?: Date;
  createdBy?: string;
  copyRequest?: string;
  /** Extension keys of the entry (`x-...`), as written: kept and served read-only. */
  extensions?: Record<string, unknown>;
}

export interface ParsedModelFile {
  name: string;
  description?: string;
  tags: Tags;
  /** Extension keys of the file (`x-...`), as written: kept and served read-only. */
  extensions?: Record<string, unknown>;
  /** Aliases whose version exists in the file (others are problems). */
  aliases: Record<string, string>;
  /** Every version in the file, in file order, including ones excluded by a problem. */
  versions: ParsedVersion[];
}

export interface ModelFileParse {
  path: string;
  /** The model name the file's path says it holds. */
  nameFromPath: string;
  /** Undefined when the file cannot be served at all; `problems` says why. */
  file?: ParsedModelFile;
  /** Every problem, sorted by line. Those with `version` set exclude that version only. */
  problems: RegistryProblem[];
}

export function modelFilePath(name: string): string {
  return `${MODELS_DIR}/${name}.yaml`;
}

export function parseModelFile(path: string, text: string): ModelFileParse {
  const nameFromPath = MODEL_FILE_RE.exec(path)?.[1] ?? path;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problem = (field: string, line: number, message: string, version?: string): RegistryProblem => ({
    file: path,
    line,
    field,
    message,
    model: nameFromPath,
    ...(version === undefined ? {} : { version }),
  });

  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err) => {
      const offset = err.pos[0];
      return problem(formatFieldPath(pathAtOffset(doc, offset)), lines.linePos(offset).line, `YAML syntax: ${err.message.split("\n")[0]}`);
    });
    return { path, nameFromPath, problems };
  }

  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (raw === null || raw === undefined || typeof raw !== "object" || Array.isArray(raw)) {
    const got = raw === null || raw === undefined ? "the file is empty" : `got ${Array.isArray(raw) ? "a list" : `the ${typeof raw} ${JSON.stringify(raw)}`}`;
    return { path, nameFromPath, problems: [problem("(file)", 1, `a model file is a map with name and versions; ${got}`)] };
  }
  const { plain, extensions } = splitExtensions(raw as Record<string, unknown>);
  const checked = modelFileSchema.safeParse(plain);
  if (!checked.success) {
    const problems = checked.error.issues.flatMap((issue) => issueProblems(doc, lines, issue, problem));
    return { path, nameFromPath, problems: problems.sort(compareProblems) };
  }

  const data = checked.data;
  const problems: RegistryProblem[] = [];
  if (data.name !== nameFromPath) {
    problems.push(
      problem("name", lineOfPath(doc, lines, ["name"]), `the file is named for "${nameFromPath}" but declares name "${data.name}": rename the file to models/${data.name}.yaml or fix the name`),
    );
    return { path, nameFromPath, problems };
  }

  const versions = data.versions.map((entry, index) => {
    const parsed = toParsedVersion(entry, index, doc, lines);
    const own = extensions.versions[index];
    if (own !== undefined) parsed.extensions = own;
    return parsed;
  });
  for (const v of versions) {
    if (v.status === "production" && v.model !== undefined && isFloatingModelId(v.model)) {
      problems.push(
        problem(
          `versions[${v.index}].model`,
          v.fieldLines["model"] ?? v.line,
          `production version ${v.version} uses the floating model alias "${v.model}", which can change under you: pin a dated snapshot (e.g. "gpt-5-mini-2026-06-10") or move the version out of production`,
          v.version,
        ),
      );
    }
  }

  const known = new Set(versions.map((v) => v.version));
  const aliases: Record<string, string> = {};
  for (const [alias, version] of Object.entries(data.aliases)) {
    if (known.has(version)) {
      aliases[alias] = version;
    } else {
      problems.push(
        problem(`aliases.${alias}`, lineOfPath(doc, lines, ["aliases", alias]), `alias "${alias}" points at version ${version}, which is not in versions`),
      );
    }
  }

  const file: ParsedModelFile = {
    name: data.name,
    ...(data.description === undefined ? {} : { description: data.description }),
    tags: data.tags,
    aliases,
    versions,
    ...(extensions.model === undefined ? {} : { extensions: extensions.model }),
  };
  return { path, nameFromPath, file, problems: problems.sort(compareProblems) };
}

/** Extension keys start with `x-` (as in OpenAPI): any value, never checked, kept as written. */
export const EXTENSION_KEY_RE = /^x-/;

function takeExtensions(map: Record<string, unknown>): { rest: Record<string, unknown>; own?: Record<string, unknown> } {
  const rest: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (EXTENSION_KEY_RE.test(key)) own[key] = value;
    else rest[key] = value;
  }
  return Object.keys(own).length === 0 ? { rest } : { rest, own };
}

/**
 * The file without its extension keys (top level and each version entry), for the strict schema,
 * and those keys by where they were. Indexes of `versions` are unchanged, so problems keep their lines.
 */
function splitExtensions(raw: Record<string, unknown>): {
  plain: Record<string, unknown>;
  extensions: { model?: Record<string, unknown>; versions: (Record<string, unknown> | undefined)[] };
} {
  const top = takeExtensions(raw);
  const versions: (Record<string, unknown> | undefined)[] = [];
  const list = top.rest["versions"];
  if (Array.isArray(list)) {
    top.rest["versions"] = list.map((entry: unknown) => {
      if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
        versions.push(undefined);
        return entry;
      }
      const split = takeExtensions(entry as Record<string, unknown>);
      versions.push(split.own);
      return split.rest;
    });
  }
  return { plain: top.rest, extensions: { ...(top.own === undefined ? {} : { model: top.own }), versions } };
}

const VERSION_FIELDS = ["version", "model", "prompt_ref", "tools_ref", "status", "eval", "params"] as const;

function toParsedVersion(entry: VersionEntryData, index: number, doc: Document, lines: LineCounter): ParsedVersion {
  const fieldLines: Record<string, number> = {};
  for (const field of VERSION_FIELDS) {
    if (doc.hasIn(["versions", index, field])) fieldLines[field] = lineOfPath(doc, lines, ["versions", index, field]);
  }
  const lineage: Lineage = {};
  if (entry.lineage.run_id !== undefined) lineage.runId = entry.lineage.run_id;
  if (entry.lineage.run_link !== undefined) lineage.runLink = entry.lineage.run_link;
  if (entry.lineage.code_commit !== undefined) lineage.codeCommit = entry.lineage.code_commit;
  if (entry.lineage.dataset_hash !== undefined) lineage.datasetHash = entry.lineage.dataset_hash;
  if (entry.lineage.parent_model !== undefined) lineage.parentModel = entry.lineage.parent_model;
  if (entry.lineage.teacher_model !== undefined) lineage.teacherModel = entry.lineage.teacher_model;

  const parsed: ParsedVersion = {
    version: entry.version,
    index,
    line: lineOfPath(doc, lines, ["versions", index]),
    fieldLines,
    status: entry.status,
    params: entry.params,
    tags: entry.tags,
    metrics: entry.metrics,
    lineage,
  };
  if (entry.model !== undefined) parsed.model = entry.model;
  if (entry.prompt_ref !== undefined) parsed.promptRef = entry.prompt_ref;
  if (entry.tools_ref !== undefined) parsed.toolsRef = entry.tools_ref;
  if (entry.eval !== undefined) {
    const result: EvalResult = { suite: entry.eval.suite, score: entry.eval.score };
    if (entry.eval.run !== undefined) result.run = entry.eval.run;
    if (entry.eval.artifact_uri !== undefined) result.artifactUri = entry.eval.artifact_uri;
    parsed.eval = result;
  }
  if (entry.approved_by !== undefined) parsed.approvedBy = entry.approved_by;
  if (entry.description !== undefined) parsed.description = entry.description;
  if (entry.artifact_uri !== undefined) parsed.artifactUri = entry.artifact_uri;
  if (entry.created_at !== undefined) parsed.createdAt = new Date(entry.created_at);
  if (entry.created_by !== undefined) parsed.createdBy = entry.created_by;
  if (entry.copy_request !== undefined) parsed.copyRequest = entry.copy_request;
  return parsed;
}

type MakeProblem = (field: string, line: number, message: string) => RegistryProblem;

/** One zod issue as problems: unrecognized keys give one problem per key, at that key's line. */
function issueProblems(doc: Document, lines: LineCounter, issue: z.core.$ZodIssue, problem: MakeProblem): RegistryProblem[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) =>
      problem(formatFieldPath([...path, key]), lineOfPath(doc, lines, [...path, key]), `unknown field "${key}"${suggest(key)}`),
    );
  }
  let message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) message = `is required (expected ${issue.expected})`;
  const field = issue.code === "invalid_key" ? `${formatFieldPath(path)} (key)` : formatFieldPath(path);
  return [problem(field, lineOfPath(doc, lines, path), message)];
}

const KNOWN_FIELDS = [
  "name",
  "description",
  "tags",
  "aliases",
  "versions",
  "version",
  "model",
  "prompt_ref",
  "tools_ref",
  "params",
  "eval",
  "approved_by",
  "status",
  "artifact_uri",
  "metrics",
  "lineage",
  "created_at",
  "created_by",
  "copy_request",
  "suite",
  "score",
  "run",
  "run_id",
  "run_link",
  "code_commit",
  "dataset_hash",
  "parent_model",
];

/** ` (did you mean "prompt_ref"?)` for a key one or two edits away from a known field. */
function suggest(key: string): string {
  const best = KNOWN_FIELDS.map((f) => ({ f, d: editDistance(key.toLowerCase(), f) })).sort((a, b) => a.d - b.d)[0];
  return best !== undefined && best.d > 0 && best.d <= 2 ? ` (did you mean "${best.f}"?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

