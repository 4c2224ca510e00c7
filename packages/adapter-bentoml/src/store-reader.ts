/**
 * Reads BentoML's model store from disk, on every call: what BentoML (or anyone) changed is visible
 * on the next read. Parsed model.yaml files are cached by their inode, size and times, so a call
 * costs a readdir per model and a stat per version; only changed files are read again.
 */
import type { Dirent, Stats } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ensureActive, UnavailableError, type CallContext, type RegistryProblem } from "modelgate/core";
import { isTagPart, type StoreLayout } from "./layout.js";
import { isMapping } from "./metadata.js";
import { ModelYamlError, readModelInfo, type ModelInfo } from "./model-info.js";
import { parsePyYaml } from "./pyyaml.js";

export interface VersionRecord {
  /** The version id: the directory's name, as BentoML's tag has it. */
  id: string;
  dir: string;
  yamlFile: string;
  info: ModelInfo;
  /** model.yaml's modification time: when labels last changed. */
  mtime: Date;
}

/** The gateway's own per-model file (models/<name>/.modelgate.yaml), which BentoML ignores. */
export interface Sidecar {
  /** The name as registered through the gateway, when it has capitals BentoML lower-cases. */
  name?: string;
  description?: string;
  /** The last version number the gateway gave, so a deleted version's number is never given again. */
  lastVersion?: number;
}

export interface ModelSnapshot {
  dirName: string;
  /** The model's name in the gateway: the sidecar's spelling, else the directory's. */
  name: string;
  description?: string;
  /** Oldest first: by creation_time, then id. */
  versions: VersionRecord[];
  /** What the `latest` file says, when it names a version that exists. */
  latestPointer?: string;
  /** The latest version: the pointer's, else the newest (as BentoML recreates it). */
  latest?: VersionRecord;
  sidecar: Sidecar;
  problems: RegistryProblem[];
}

/** How long a version directory without model.yaml counts as being written (BentoML copies files in first). */
const YOUNG_MS = 60_000;

type Parsed = { ok: true; info: ModelInfo } | { ok: false; error: ModelYamlError };

function stampOf(st: Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

export function compareVersions(a: VersionRecord, b: VersionRecord): number {
  return a.info.created.micros - b.info.created.micros || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

async function isDirectory(parent: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  // BentoML's Path.is_dir() follows symlinks.
  return stat(join(parent, entry.name)).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export class StoreReader {
  private readonly parsed = new Map<string, { stamp: string; result: Parsed }>();
  private readonly sizes = new Map<string, { stamp: string; bytes: number }>();

  constructor(
    private readonly layout: StoreLayout,
    private readonly backend: string,
  ) {}

  private unavailable(what: string, err: unknown): UnavailableError {
    const code = errCode(err);
    return new UnavailableError(`${what}: ${code === "EACCES" || code === "EPERM" ? "permission denied" : (err as Error).message}`, {
      backend: this.backend,
      cause: err,
    });
  }

  /** Model directories (valid BentoML names), sorted; and the names BentoML could not load either. */
  async modelDirs(ctx: CallContext): Promise<{ names: string[]; invalid: string[] }> {
    ensureActive(ctx, this.backend);
    let entries: Dirent[];
    try {
      entries = await readdir(this.layout.modelsDir, { withFileTypes: true });
    } catch (err) {
      if (errCode(err) === "ENOENT") return { names: [], invalid: [] };
      throw this.unavailable(`cannot list ${this.layout.modelsDir}`, err);
    }
    const names: string[] = [];
    const invalid: string[] = [];
    for (const entry of entries) {
      if (!(await isDirectory(this.layout.modelsDir, entry))) continue;
      (isTagPart(entry.name) ? names : invalid).push(entry.name);
    }
    names.sort();
    ensureActive(ctx, this.backend);
    return { names, invalid };
  }

  /** One model, or undefined when its directory does not exist. */
  async readModel(dirName: string, ctx: CallContext): Promise<ModelSnapshot | undefined> {
    ensureActive(ctx, this.backend);
    const modelDir = this.layout.modelDir(dirName);
    let entries: Dirent[];
    try {
      entries = await readdir(modelDir, { withFileTypes: true });
    } catch (err) {
      if (errCode(err) === "ENOENT" || errCode(err) === "ENOTDIR") return undefined;
      throw this.unavailable(`cannot list ${modelDir}`, err);
    }
    const sidecar = await this.readSidecar(dirName);
    const name = sidecar.value.name !== undefined && sidecar.value.name.toLowerCase() === dirName ? sidecar.value.name : dirName;
    const problems: RegistryProblem[] = [...sidecar.problems];
    const versions: VersionRecord[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!(await isDirectory(modelDir, entry))) continue;
      const versionDir = join(modelDir, entry.name);
      if (!isTagPart(entry.name)) {
        problems.push({
          file: this.layout.relative(versionDir),
          line: 1,
          field: "(file)",
          message: `"${entry.name}" is not a valid BentoML version (lower-case letters, digits, "-", "_", "."; at most 63 characters)`,
          model: name,
          version: entry.name,
        });
        continue;
      }
      seen.add(this.layout.modelYaml(dirName, entry.name));
      const loaded = await this.loadVersion(dirName, entry.name);
      if (loaded === undefined) continue;
      if ("problem" in loaded) problems.push({ ...loaded.problem, model: name });
      else versions.push(loaded.record);
    }
    versions.sort(compareVersions);
    this.prune(modelDir, seen);
    ensureActive(ctx, this.backend);

    const pointer = await readFile(this.layout.latestFile(dirName), "utf8").then(
      (text) => text.trim().toLowerCase(),
      () => undefined,
    );
    const pointed = pointer === undefined ? undefined : versions.find((v) => v.id === pointer);
    const latest = pointed ?? versions[versions.length - 1];
    return {
      dirName,
      name,
      ...(sidecar.value.description === undefined ? {} : { description: sidecar.value.description }),
      versions,
      ...(pointed === undefined ? {} : { latestPointer: pointed.id }),
      ...(latest === undefined ? {} : { latest }),
      sidecar: sidecar.value,
      problems,
    };
  }

  private async readSidecar(dirName: string): Promise<{ value: Sidecar; problems: RegistryProblem[] }> {
    const file = this.layout.sidecarFile(dirName);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return { value: {}, problems: [] };
    }
    try {
      const raw: unknown = parsePyYaml(text).toJS();
      if (!isMapping(raw)) return { value: {}, problems: [] };
      const value: Sidecar = {};
      if (typeof raw["name"] === "string") value.name = raw["name"];
      if (typeof raw["description"] === "string") value.description = raw["description"];
      if (typeof raw["last_version"] === "number" && Number.isSafeInteger(raw["last_version"])) value.lastVersion = raw["last_version"];
      return { value, problems: [] };
    } catch (err) {
      return { value: {}, problems: [{ file: this.layout.relative(file), line: 1, field: "(file)", message: `ignored: ${(err as Error).message}` }] };
    }
  }

  /** A version, a problem, or undefined for a directory still being written. */
  private async loadVersion(dirName: string, id: string): Promise<{ record: VersionRecord } | { problem: RegistryProblem } | undefined> {
    const file = this.layout.modelYaml(dirName, id);
    const problem = (error: ModelYamlError) => ({
      problem: { file: this.layout.relative(file), line: error.line, field: error.field, message: error.message, version: id },
    });
    for (let attempt = 0; attempt < 6; attempt++) {
      let st: Stats;
      try {
        st = await stat(file);
      } catch (err) {
        if (errCode(err) !== "ENOENT") return problem(new ModelYamlError(`cannot read: ${(err as Error).message}`, "(file)", 1));
        const dirStat = await stat(join(this.layout.modelDir(dirName), id)).catch(() => undefined);
        if (dirStat === undefined || Date.now() - dirStat.mtimeMs < YOUNG_MS) return undefined;
        return problem(new ModelYamlError("no model.yaml: BentoML cannot load this version", "(file)", 1));
      }
      const stamp = stampOf(st);
      const cached = this.parsed.get(file);
      let result: Parsed;
      if (cached?.stamp === stamp) {
        result = cached.result;
      } else {
        let text: string;
        try {
          text = await readFile(file, "utf8");
        } catch (err) {
          if (errCode(err) === "ENOENT") continue;
          return problem(new ModelYamlError(`cannot read: ${(err as Error).message}`, "(file)", 1));
        }
        try {
          result = { ok: true, info: readModelInfo(text, dirName, id) };
        } catch (err) {
          if (!(err instanceof ModelYamlError)) throw err;
          result = { ok: false, error: err };
        }
        // BentoML rewrites model.yaml in place (truncate, then write): a file caught half-written
        // reads again once it has settled.
        if (!result.ok && attempt < 3) {
          const after = await stat(file).catch(() => undefined);
          if (text === "" || after === undefined || stampOf(after) !== stamp) {
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
        }
        this.parsed.set(file, { stamp, result });
      }
      if (!result.ok) return problem(result.error);
      return { record: { id, dir: join(this.layout.modelDir(dirName), id), yamlFile: file, info: result.info, mtime: st.mtime } };
    }
    return problem(new ModelYamlError("kept changing while being read", "(file)", 1));
  }

  /** Drops cache entries of versions no longer in the model's directory. */
  private prune(modelDir: string, keep: ReadonlySet<string>): void {
    const prefix = modelDir + "/";
    for (const key of this.parsed.keys()) if (key.startsWith(prefix) && !keep.has(key)) this.parsed.delete(key);
    for (const key of this.sizes.keys()) if (key.startsWith(prefix) && !keep.has(join(key, "model.yaml"))) this.sizes.delete(key);
  }

  /** Forget what is cached for one model (after a write through this adapter). */
  forgetModel(dirName: string): void {
    const prefix = this.layout.modelDir(dirName) + "/";
    for (const key of this.parsed.keys()) if (key.startsWith(prefix)) this.parsed.delete(key);
  }

  /** Total bytes of the version's files (BentoML's `Size`), cached until model.yaml changes. */
  async sizeOf(record: VersionRecord): Promise<number | undefined> {
    const stamp = `${record.mtime.getTime()}:${record.info.created.micros}`;
    const cached = this.sizes.get(record.dir);
    if (cached?.stamp === stamp) return cached.bytes;
    let bytes = 0;
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else bytes += (await lstat(path)).size;
      }
    };
    try {
      await walk(record.dir);
    } catch {
      return undefined;
    }
    this.sizes.set(record.dir, { stamp, bytes });
    return bytes;
  }
}
