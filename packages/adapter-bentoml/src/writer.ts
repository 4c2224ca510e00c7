/**
 * Writes to BentoML's store, in BentoML's format, never half-done:
 *
 * - a new version is assembled in $BENTOML_HOME/.modelgate/tmp (the imported files, then model.yaml),
 *   flushed, and renamed into models/<name>/<version> in one step; then `latest` is moved to it when
 *   it is the newest, as BentoML's own save does (store.py `register`);
 * - a new model's whole directory (the version, `latest`, the gateway's .modelgate.yaml) is assembled
 *   there too and renamed into models/ in one step;
 * - a label change rewrites model.yaml through a temp file renamed over it, after checking that the
 *   file is still what was read (BentoML writes without a lock; a change made meanwhile is read
 *   again and the edit redone).
 *
 * Writes to one model are serialised in this process (KeyedMutex) and across gateway processes
 * (a lock file per model, ./file-lock.ts).
 */
import { cp, mkdir, readdir, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { join, relative, isAbsolute } from "node:path";
import { isMap, isScalar, type Document, type YAMLMap } from "yaml";
import {
  ConflictError,
  ensureActive,
  InvalidInputError,
  KeyedMutex,
  NotFoundError,
  DeadlineExceededError,
  type CallContext,
  type RegisterVersionInput,
} from "modelgate/core";
import { formatCreationTime, nowMicros } from "./creation-time.js";
import { fsyncDir, fsyncTree, makeTempDir, replaceFile, writeFileDurable } from "./fs-atomic.js";
import { FileLock, type FileLockOptions } from "./file-lock.js";
import { isOwnLabel, OWN_LABELS } from "./labels.js";
import { LATEST_FILE, MODEL_YAML, SIDECAR_FILE, type StoreLayout } from "./layout.js";
import { buildMetadata, isMapping } from "./metadata.js";
import { dumpPyYaml, newPyYamlDocument, parsePyYaml } from "./pyyaml.js";
import { classifyArtifactUri, modelDirName } from "./register-input.js";
import type { ModelSnapshot, Sidecar, StoreReader, VersionRecord } from "./store-reader.js";

/** Label changes: `set` values, `remove` keys. */
export interface LabelChanges {
  set?: Record<string, string>;
  remove?: string[];
}

export interface WriterOptions {
  /** Real paths of the directories local imports may come from. */
  importRoots: string[];
  lock?: FileLockOptions;
  /** Test hook: called at each step of a registration ("staged", "renamed"); a throw is a crash there. */
  onStep?: (step: "staged" | "renamed") => void | Promise<void>;
}

const MAX_RENAME_ATTEMPTS = 20;
const MAX_EDIT_ATTEMPTS = 5;

/** Flow style `{}` when empty (as PyYAML writes it), block style otherwise. */
function tidy(map: YAMLMap): void {
  map.flow = map.items.length === 0;
}

function labelsMap(doc: Document): YAMLMap {
  const node = doc.get("labels", true);
  if (isMap(node)) return node;
  const created = doc.createNode({}) as YAMLMap;
  doc.set("labels", created);
  return created;
}

/** Applies label changes to a parsed model.yaml; false when nothing changes. */
export function applyLabelChanges(doc: Document, changes: LabelChanges): boolean {
  const labels = labelsMap(doc);
  let changed = false;
  for (const key of changes.remove ?? []) {
    if (labels.has(key)) changed = labels.delete(key) || changed;
  }
  for (const [key, value] of Object.entries(changes.set ?? {})) {
    const current = labels.get(key, true);
    if (isScalar(current) && String(current.value) === value) continue;
    labels.set(key, value);
    changed = true;
  }
  tidy(labels);
  return changed;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export class StoreWriter {
  private readonly mutex = new KeyedMutex();
  private readonly fileLock: FileLock;

  constructor(
    private readonly layout: StoreLayout,
    private readonly reader: StoreReader,
    private readonly backend: string,
    private readonly opts: WriterOptions,
  ) {
    this.fileLock = new FileLock(backend, opts.lock);
  }

  /** Runs `task` as the only writer of one model (this process and other gateway processes). */
  withModel<T>(dirName: string, ctx: CallContext, task: () => Promise<T>): Promise<T> {
    return this.mutex.run(
      dirName,
      () => this.fileLock.withLock(this.layout.lockFile(dirName), `model "${dirName}"`, ctx, task),
      ctx.signal,
      () => new DeadlineExceededError("the call was cancelled while waiting for another write to the model", { backend: this.backend }),
    );
  }

  /** Rewrites one version's labels (caller holds the model). Returns false when nothing changed. */
  async editLabels(record: VersionRecord, changes: LabelChanges): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
      const before = await readFile(record.yamlFile, "utf8").catch((err: unknown) => {
        if (errCode(err) === "ENOENT") throw new NotFoundError(`version "${record.id}" of model "${record.info.name}" is gone`, { backend: this.backend });
        throw err;
      });
      const doc = parsePyYaml(before);
      if (!applyLabelChanges(doc, changes)) return false;
      const after = dumpPyYaml(doc);
      const mode = (await stat(record.yamlFile)).mode;
      const current = await readFile(record.yamlFile, "utf8").catch(() => undefined);
      if (current !== before) continue; // changed under us (BentoML, by hand): edit what is there now
      await replaceFile(this.layout.tmpDir, record.yamlFile, after, mode);
      return true;
    }
    throw new ConflictError(`${this.layout.relative(record.yamlFile)} kept changing while the gateway wrote its labels; retry`, { backend: this.backend });
  }

  /** Moves `latest` to `version` when it is at least as new as what `latest` names (BentoML's rule). */
  private async updateLatest(snapshot: ModelSnapshot | undefined, dirName: string, version: string, micros: number): Promise<void> {
    const current = snapshot?.latestPointer === undefined ? undefined : snapshot.versions.find((v) => v.id === snapshot.latestPointer);
    if (current !== undefined && current.info.created.micros > micros) return;
    await replaceFile(this.layout.tmpDir, this.layout.latestFile(dirName), version);
  }

  private sidecarText(sidecar: Sidecar): string {
    const value: Record<string, unknown> = {};
    if (sidecar.name !== undefined) value["name"] = sidecar.name;
    if (sidecar.description !== undefined) value["description"] = sidecar.description;
    if (sidecar.lastVersion !== undefined) value["last_version"] = sidecar.lastVersion;
    return dumpPyYaml(newPyYamlDocument(value));
  }

  private async writeSidecar(dirName: string, sidecar: Sidecar): Promise<void> {
    await replaceFile(this.layout.tmpDir, this.layout.sidecarFile(dirName), this.sidecarText(sidecar));
  }

  /** Checks a local import: an existing directory inside one of the import roots. Returns its real path. */
  private async resolveImport(path: string): Promise<string> {
    const fail = (message: string): never => {
      throw new InvalidInputError(`artifactUri: ${message}`, { backend: this.backend, field: "artifactUri" });
    };
    if (this.opts.importRoots.length === 0) {
      fail(`"${path}" is a local directory, and this backend imports none: list the directories it may import from in its importFrom setting`);
    }
    const real = await realpath(path).catch(() => fail(`"${path}" does not exist`));
    const st = await stat(real);
    if (!st.isDirectory()) fail(`"${path}" is not a directory (a model's files: model.yaml and what it saved, or any files)`);
    const inside = this.opts.importRoots.some((root) => {
      const rel = relative(root, real);
      return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
    });
    if (!inside) fail(`"${path}" is outside the directories this backend imports from (${this.opts.importRoots.join(", ")})`);
    return real;
  }

  /**
   * Registers a version: imports a local directory (an exported BentoML model keeps its module,
   * options, signatures and context) or records a remote artifactUri; returns its version id.
   */
  async register(input: RegisterVersionInput, ctx: CallContext): Promise<{ dirName: string; version: string }> {
    const dirName = modelDirName(input.modelName);
    const source = classifyArtifactUri(input.artifactUri, this.backend);
    const importFrom = source.kind === "local" ? await this.resolveImport(source.path) : undefined;
    ensureActive(ctx, this.backend);
    const staging = await makeTempDir(this.layout.tmpDir, dirName);
    try {
      // 1. Files first (the slow part, outside the model's lock).
      let doc: Document | undefined;
      if (importFrom !== undefined) {
        const yamlText = await readFile(join(importFrom, MODEL_YAML), "utf8").catch(() => undefined);
        if (yamlText !== undefined) {
          try {
            doc = parsePyYaml(yamlText);
          } catch (err) {
            throw new InvalidInputError(`artifactUri: ${join(importFrom, MODEL_YAML)} is not valid YAML: ${(err as Error).message}`, {
              backend: this.backend,
              field: "artifactUri",
            });
          }
          if (!isMapping(doc.toJS())) doc = undefined;
        }
        // Entry by entry into the staging directory: Node 22's cp refuses a destination directory
        // that exists (errorOnExist), where Node 20 merged into it.
        for (const entry of await readdir(importFrom)) {
          if (entry === MODEL_YAML) continue;
          await cp(join(importFrom, entry), join(staging, entry), { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
        }
      }
      ensureActive(ctx, this.backend);

      return await this.withModel(dirName, ctx, async () => {
        const snapshot = await this.reader.readModel(dirName, ctx);
        const existing = snapshot !== undefined && snapshot.versions.length > 0 ? snapshot : undefined;
        if (existing === undefined && input.createModel === false) {
          throw new NotFoundError(`model "${input.modelName}" does not exist (createModel is false)`, { backend: this.backend });
        }
        if (existing !== undefined && existing.name !== input.modelName) {
          throw new InvalidInputError(
            `modelName: BentoML keeps "${input.modelName}" as "${dirName}", which the gateway names "${existing.name}": use that name`,
            { backend: this.backend, field: "modelName" },
          );
        }
        ensureActive(ctx, this.backend); // the last point at which the call may still give up

        const versions = snapshot?.versions ?? [];
        const numeric = versions.filter((v) => /^\d+$/.test(v.id)).map((v) => Number(v.id));
        let number = Math.max(snapshot?.sidecar.lastVersion ?? 0, versions.length, ...numeric) + 1;
        const newest = versions[versions.length - 1];
        const micros = Math.max(nowMicros(), (newest?.info.created.micros ?? 0) + 1);

        const model = doc ?? newPyYamlDocument({
          name: dirName,
          version: "",
          module: "",
          labels: {},
          options: {},
          metadata: {},
          context: { framework_name: "", framework_versions: {} },
          signatures: {},
          api_version: "v1",
          creation_time: "",
        });
        model.set("name", dirName);
        model.set("creation_time", formatCreationTime(micros));
        this.setLabelsAndMetadata(model, input, ctx, source.kind === "remote" ? source.uri : undefined, importFrom);

        const modelDir = this.layout.modelDir(dirName);
        const sidecar: Sidecar = { ...(existing?.sidecar ?? {}) };
        if (input.modelName !== dirName) sidecar.name = input.modelName;
        if (existing === undefined && input.modelDescription !== undefined && input.modelDescription !== "") sidecar.description = input.modelDescription;
        const writeModelYaml = async () => {
          model.set("version", String(number));
          await rm(join(staging, MODEL_YAML), { force: true });
          await writeFileDurable(join(staging, MODEL_YAML), dumpPyYaml(model));
          await fsyncTree(staging);
        };
        await mkdir(this.layout.modelsDir, { recursive: true });

        let placed = false;
        if (snapshot === undefined) {
          // A new model appears whole, in one rename: its directory with the sidecar, `latest` and
          // the version, assembled beside the version's files.
          const modelStage = `${staging}.model`;
          await mkdir(modelStage);
          try {
            await writeModelYaml();
            const stagedVersion = join(modelStage, String(number));
            await rename(staging, stagedVersion);
            await writeFileDurable(join(modelStage, SIDECAR_FILE), this.sidecarText({ ...sidecar, lastVersion: number }));
            await writeFileDurable(join(modelStage, LATEST_FILE), String(number));
            await fsyncDir(modelStage);
            await this.opts.onStep?.("staged");
            try {
              await rename(modelStage, modelDir);
              placed = true;
            } catch (err) {
              if (errCode(err) !== "ENOTEMPTY" && errCode(err) !== "EEXIST") throw err;
              // The model's directory appeared meanwhile (BentoML saving the same name): add the version to it.
              await rename(stagedVersion, staging);
            }
          } finally {
            await rm(modelStage, { recursive: true, force: true });
          }
        }
        if (!placed) {
          for (let attempt = 0; ; attempt++) {
            await writeModelYaml();
            await this.opts.onStep?.("staged");
            try {
              await rename(staging, this.layout.versionDir(dirName, String(number)));
              break;
            } catch (err) {
              // Someone made that version meanwhile (another process): take the next number.
              if ((errCode(err) !== "ENOTEMPTY" && errCode(err) !== "EEXIST") || attempt >= MAX_RENAME_ATTEMPTS) throw err;
              number++;
            }
          }
        }
        // The version is in the store: from here on nothing fails the call.
        this.reader.forgetModel(dirName);
        try {
          await fsyncDir(this.layout.modelsDir);
          await fsyncDir(modelDir);
          await this.opts.onStep?.("renamed");
          if (!placed) {
            await this.updateLatest(snapshot, dirName, String(number), micros);
            await this.writeSidecar(dirName, { ...sidecar, lastVersion: number });
          }
        } catch {
          // `latest` is BentoML's convenience (it recomputes it when it names no version), and the
          // next registration numbers past the version directories that exist.
        }
        return { dirName, version: String(number) };
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private setLabelsAndMetadata(model: Document, input: RegisterVersionInput, ctx: CallContext, remoteUri: string | undefined, importedFrom: string | undefined): void {
    // Labels: the imported model's own (not the gateway's: a copy starts without stage or aliases),
    // the registration's tags, and what the gateway records.
    const labels = labelsMap(model);
    for (const pair of [...labels.items]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (isOwnLabel(key)) labels.delete(key);
    }
    const set: Record<string, string> = { ...(input.tags ?? {}) };
    set[OWN_LABELS.createdBy] = ctx.actor.id;
    if (input.description !== undefined && input.description !== "") set[OWN_LABELS.description] = input.description;
    if (remoteUri !== undefined) set[OWN_LABELS.artifactUri] = remoteUri;
    if (importedFrom !== undefined) set[OWN_LABELS.importedFrom] = importedFrom;
    applyLabelChanges(model, { set });

    const metadataNode = model.get("metadata", true);
    const js = model.toJS() as Record<string, unknown>;
    const base = isMap(metadataNode) && isMapping(js["metadata"]) ? js["metadata"] : {};
    const merged = buildMetadata(base, {
      ...(input.params === undefined ? {} : { params: input.params }),
      ...(input.metrics === undefined ? {} : { metrics: input.metrics }),
      ...(input.lineage === undefined ? {} : { lineage: input.lineage }),
    });
    // Only the three keys the registration adds are written anew; the rest keeps its source text.
    if (!isMap(metadataNode)) model.set("metadata", model.createNode({}));
    const metadata = model.get("metadata", true) as YAMLMap;
    for (const key of ["params", "metrics", "lineage"]) {
      if (merged[key] !== undefined && merged[key] !== base[key]) metadata.set(key, model.createNode(merged[key]));
    }
    tidy(metadata);
  }
}
