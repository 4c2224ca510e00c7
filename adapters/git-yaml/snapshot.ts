/**
 * Everything the registry holds at one commit, read from git objects. Parsing is cached by blob id,
 * so a new commit that changes one file re-parses only that file.
 */
import { LruCache } from "../../src/core/index.js";
import type { CallContext } from "../../src/core/index.js";
import { listFiles, readBlobs, type TreeFile } from "./git-objects.js";
import type { GitRunner } from "./git.js";
import { buildModelEntry, type ModelEntry, type RefFiles, type ToolFile } from "./model-entry.js";
import { compareNames } from "./pagination.js";
import { MODEL_FILE_RE, parseModelFile, type ModelFileParse } from "./parse-model-file.js";
import { compareProblems, type RegistryProblem } from "./problems.js";

export const REGISTRY_DIRS = ["models", "prompts", "tools"] as const;
const PROMPT_FILE_RE = /^prompts\/([^/]+)\/([^/]+)\.(md|txt)$/;
const TOOLS_FILE_RE = /^tools\/([^/]+)\/([^/]+)\.json$/;
/** Files that may sit beside model files without being model files. */
const IGNORED_IN_MODELS = /^models\/(?:\.[^/]*|README(?:\.[a-z]+)?)$/i;

export interface Snapshot {
  /** The commit read; undefined for a branch with no commits yet. */
  commit?: string;
  /** Served models by name. */
  models: Map<string, ModelEntry>;
  /** Served models in name order. */
  sortedModels: ModelEntry[];
  /** Model files that cannot be served at all, by the model name their path gives. */
  broken: Map<string, RegistryProblem[]>;
  /** Every problem in the commit, by file and line. */
  problems: RegistryProblem[];
  refs: RefFiles;
  /** Model files by the name their path gives (valid or not). */
  modelFiles: Map<string, TreeFile>;
}

/** Parsed files by "path\0blob": content-addressed, so entries never go stale. */
export interface ParseCaches {
  models: LruCache<string, ModelFileParse>;
  tools: LruCache<string, Pick<ToolFile, "tools" | "problem">>;
}

export function createParseCaches(capacity = 4096): ParseCaches {
  return { models: new LruCache(capacity), tools: new LruCache(capacity) };
}

export function emptySnapshot(): Snapshot {
  return {
    models: new Map(),
    sortedModels: [],
    broken: new Map(),
    problems: [],
    refs: { prompts: new Map(), tools: new Map() },
    modelFiles: new Map(),
  };
}

export async function loadSnapshot(
  git: GitRunner,
  commit: string,
  backendId: string,
  caches: ParseCaches,
  ctx: CallContext,
): Promise<Snapshot> {
  const files = await listFiles(git, commit, REGISTRY_DIRS, ctx);
  const snapshot = emptySnapshot();
  snapshot.commit = commit;
  const problems: RegistryProblem[] = [];

  const modelFiles: TreeFile[] = [];
  const toolFiles: TreeFile[] = [];
  const promptFiles = new Map<string, TreeFile & { ext: string }>();
  for (const f of files) {
    const modelMatch = MODEL_FILE_RE.exec(f.path);
    if (modelMatch) {
      modelFiles.push(f);
      snapshot.modelFiles.set(modelMatch[1]!, f);
      continue;
    }
    if (f.path.startsWith("models/")) {
      if (!IGNORED_IN_MODELS.test(f.path)) {
        problems.push({
          file: f.path,
          line: 1,
          field: "(file)",
          message: "is not read: model files are models/<name>.yaml (one file per model, directly in models/)",
        });
      }
      continue;
    }
    const promptMatch = PROMPT_FILE_RE.exec(f.path);
    if (promptMatch) {
      const key = `${promptMatch[1]}@${promptMatch[2]}`;
      const existing = promptFiles.get(key);
      // A .md template wins over a .txt one of the same name and version.
      if (existing === undefined || (existing.ext === "txt" && promptMatch[3] === "md")) {
        promptFiles.set(key, { ...f, ext: promptMatch[3]! });
      }
      continue;
    }
    if (TOOLS_FILE_RE.test(f.path)) toolFiles.push(f);
  }
  for (const [key, f] of promptFiles) snapshot.refs.prompts.set(key, { path: f.path, oid: f.oid });

  const cacheKey = (f: TreeFile) => `${f.path}\0${f.oid}`;
  const missing = [
    ...modelFiles.filter((f) => caches.models.get(cacheKey(f)) === undefined),
    ...toolFiles.filter((f) => caches.tools.get(cacheKey(f)) === undefined),
  ];
  const blobs = await readBlobs(
    git,
    missing.map((f) => f.oid),
    ctx,
  );
  const text = (f: TreeFile): string => {
    const blob = blobs.get(f.oid);
    if (blob === undefined) throw new Error(`blob ${f.oid} of ${f.path} was not read`);
    return blob.toString("utf8");
  };

  for (const f of toolFiles) {
    let parsed = caches.tools.get(cacheKey(f));
    if (parsed === undefined) {
      parsed = parseToolFile(f.path, text(f));
      caches.tools.set(cacheKey(f), parsed);
    }
    const key = TOOLS_FILE_RE.exec(f.path)!;
    snapshot.refs.tools.set(`${key[1]}@${key[2]}`, { ...f, ...parsed });
    if (parsed.problem) problems.push(parsed.problem);
  }

  for (const f of modelFiles) {
    let parse = caches.models.get(cacheKey(f));
    if (parse === undefined) {
      parse = parseModelFile(f.path, text(f));
      caches.models.set(cacheKey(f), parse);
    }
    const built = buildModelEntry(parse, snapshot.refs, backendId);
    problems.push(...built.problems);
    if (built.entry) snapshot.models.set(built.entry.file.name, built.entry);
    else snapshot.broken.set(parse.nameFromPath, built.problems);
  }

  snapshot.sortedModels = [...snapshot.models.values()].sort((a, b) => compareNames(a.file.name, b.file.name));
  snapshot.problems = problems.sort(compareProblems);
  return snapshot;
}

export function parseToolFile(path: string, text: string): Pick<ToolFile, "tools" | "problem"> {
  try {
    return { tools: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problem: { file: path, line: jsonErrorLine(text, message), field: "(file)", message: `invalid JSON: ${message}` } };
  }
}

/** The line of a JSON.parse error, from "(line N column M)" or "at position N" in its message. */
function jsonErrorLine(text: string, message: string): number {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split("\n").length;
  return 1;
}
