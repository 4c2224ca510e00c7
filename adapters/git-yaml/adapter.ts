/**
 * The git-YAML registry adapter: a directory of YAML model files in a git repository. Reads come
 * from git objects at a commit (HEAD, or the last commit before `asOf`), parsed once per commit and
 * cached (./snapshot-store.ts). Writes are commits authored by the acting user (./registry-writer.ts).
 */
import { performance } from "node:perf_hooks";
import {
  AlreadyExistsError,
  InvalidInputError,
  LruCache,
  createCallContext,
  systemActor,
  NotFoundError,
  UnavailableError,
  UnsupportedError,
  isRegistryError,
  isStage,
  type AdapterLogger,
  type BackendInfo,
  type CallContext,
  type Capabilities,
  type CreateModelInput,
  type EvalResult,
  type MetadataPatch,
  type HealthStatus,
  type ListModelsQuery,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type Prompt,
  type ReadOptions,
  type RegisterVersionInput,
  type RegisteredModel,
  type RegistryAdapter,
  type Stage,
  type ToolSet,
  type WriteOptions,
} from "../../src/core/index.js";
import { DEFAULT_REF_CHECK_MS } from "./config.js";
import { ALIAS_RE, MODEL_NAME_RE, NUMERIC_VERSION_RE, isReservedAlias } from "./entry-schema.js";
import { patchModelIn, patchVersionIn, renderEmptyModelFile } from "./metadata-edits.js";
import { readBlobs } from "./git-objects.js";
import { GitRunner } from "./git.js";
import type { ModelEntry } from "./model-entry.js";
import { appendVersion, removeAliasIn, removeVersionIn, renderNewModelFile, setAliasIn, setCardIn, setStatusIn } from "./model-file-edits.js";
import { compareNames, compareVersions, paginate } from "./pagination.js";
import { modelFilePath } from "./parse-model-file.js";
import { formatProblem, problemError, type RegistryProblem } from "./problems.js";
import { toVersionEntry, validateRegisterInput } from "./register-input.js";
import { RegistryWriter, afterCommitContext, type PlanOutcome } from "./registry-writer.js";
import type { RepositoryLayout } from "./repository.js";
import type { Snapshot } from "./snapshot.js";
import { RefReader, type TextFileReader } from "./ref-reader.js";
import { RefWatch } from "./ref-watch.js";
import { SnapshotStore } from "./snapshot-store.js";
import { versionsInStage } from "./stage-listing.js";
import { STAGE_TO_STATUS } from "./to-domain.js";

export const GIT_YAML_KIND = "git-yaml";
const REF_WATCH_ACTOR = systemActor("git-ref-watch", "modelgate's check of a git-YAML branch head");

/** "set description, tags a, b; remove tags c": the commit subject of a metadata write. */
function describePatch(patch: MetadataPatch): string {
  const parts: string[] = [];
  if (patch.description !== undefined) parts.push(patch.description === "" ? "clear description" : "set description");
  const set = Object.keys(patch.setTags ?? {});
  if (set.length > 0) parts.push(`set tag${set.length > 1 ? "s" : ""} ${set.join(", ")}`);
  const removed = patch.removeTags ?? [];
  if (removed.length > 0) parts.push(`remove tag${removed.length > 1 ? "s" : ""} ${removed.join(", ")}`);
  return parts.join("; ") || "no change";
}
const MAX_PAGE_SIZE = 1000;

/** Prompt texts kept in memory (by content hash). */
const PROMPT_CACHE_SIZE = 512;
/** Time allowed for one periodic read of the branch head. */
const REF_CHECK_TIMEOUT_MS = 10_000;

export interface GitYamlAdapterOptions {
  readOnly: boolean;
  logger: AdapterLogger;
  /** How often watchChanges reads the branch head besides the file-system watch (default DEFAULT_REF_CHECK_MS). */
  refCheckMs?: number;
  /** Reads the ref files (tests count reads with it). */
  readRefFile?: TextFileReader;
}

export class GitYamlAdapter implements RegistryAdapter {
  readonly info: BackendInfo;
  private readonly git: GitRunner;
  private readonly store: SnapshotStore;
  /** Prompt texts by blob id: blobs never change, so a prompt is read from git once. */
  private readonly promptTexts = new LruCache<string, string>(PROMPT_CACHE_SIZE);
  private readonly writer: RegistryWriter;
  /** Tells watchers when the branch moves (./ref-watch.ts). */
  private readonly refWatch: RefWatch;
  private closed = false;

  constructor(
    id: string,
    private readonly repo: RepositoryLayout,
    private readonly options: GitYamlAdapterOptions,
  ) {
    this.info = { id, kind: GIT_YAML_KIND };
    this.git = new GitRunner(repo.root, id);
    const refs = new RefReader(repo.gitDir, options.readRefFile);
    this.store = new SnapshotStore(this.git, id, repo.ref, refs);
    this.writer = new RegistryWriter(this.git, repo, this.store, id, options.logger);
    let lastError: string | undefined;
    this.refWatch = new RefWatch({
      intervalMs: options.refCheckMs ?? DEFAULT_REF_CHECK_MS,
      head: () => this.store.head(createCallContext({ timeoutMs: REF_CHECK_TIMEOUT_MS, actor: REF_WATCH_ACTOR })),
      files: () => refs.files(repo.ref),
      onError: (err) => {
        // Once per distinct failure: the check runs every refCheckMs.
        const message = err instanceof Error ? err.message : String(err);
        if (message !== lastError) options.logger.warn({ backend: id, err: message }, "cannot read the branch head to notice changes; answers are rebuilt until it can");
        lastError = message;
      },
    });
  }

  /** Calls `listener` when the branch may have moved (a file-system watch on the refs, and a read every refCheckMs). */
  watchChanges(listener: () => void): () => void {
    return this.refWatch.subscribe(listener);
  }

  capabilities(): Capabilities {
    return {
      asOf: true,
      generationConfigs: true,
      prompts: true,
      aliases: true,
      maxPageSize: MAX_PAGE_SIZE,
      writes: !this.options.readOnly,
    };
  }

  async health(ctx: CallContext): Promise<HealthStatus> {
    const started = performance.now();
    const status = (state: HealthStatus["state"], message?: string, latencyMs = performance.now() - started): HealthStatus => ({
      state,
      latencyMs,
      checkedAt: new Date(),
      ...(message === undefined ? {} : { message }),
    });
    try {
      this.assertOpen();
      const head = await this.store.head(ctx);
      const latency = performance.now() - started;
      if (head === undefined) return status("UP", `branch ${this.store.branch} has no commits yet`, latency);
      const snapshot = await this.store.at(head, ctx);
      if (snapshot.problems.length === 0) return status("UP", undefined, latency);
      return status("DEGRADED", describeProblems(snapshot.problems), latency);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (isRegistryError(err) && err.code === "DEADLINE_EXCEEDED") {
        return status("DOWN", `the health check of ${this.repo.root} did not finish: ${reason}`);
      }
      return status("DOWN", `repository ${this.repo.root} is not readable: ${reason}`);
    }
  }

  /** Invalid content at HEAD (or `asOf`): each problem names file, line and field. */
  async problems(ctx: CallContext, opts?: ReadOptions): Promise<RegistryProblem[]> {
    const snapshot = await this.read(ctx, opts);
    return snapshot.problems.map((p) => ({ ...p }));
  }

  // ---- reads ---------------------------------------------------------------------------------

  async listModels(query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>> {
    const snapshot = await this.read(ctx, query);
    const needle = query.filter?.nameContains?.toLowerCase();
    const tags = query.filter?.tags;
    const matching = snapshot.sortedModels.filter(
      (e) => (needle === undefined || e.file.name.toLowerCase().includes(needle)) && hasTags(e.model.tags, tags),
    );
    const page = paginate(matching, (e) => e.file.name, compareNames, query, MAX_PAGE_SIZE, this.info.id);
    return { ...page, items: page.items.map((e) => structuredClone(e.model)) };
  }

  async getModel(name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel> {
    const snapshot = await this.read(ctx, opts);
    return structuredClone(this.entry(snapshot, name).model);
  }

  async listVersions(modelName: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>> {
    const snapshot = await this.read(ctx, query);
    const entry = this.entry(snapshot, modelName);
    const stage = query.filter?.stage;
    const tags = query.filter?.tags;
    const matching = entry.versions.filter((v) => (stage === undefined || v.stage === stage) && hasTags(v.tags, tags));
    const page = paginate(matching, (v) => v.version, compareVersions, query, MAX_PAGE_SIZE, this.info.id);
    return { ...page, items: page.items.map((v) => structuredClone(v)) };
  }

  /** Every version in `stage` at HEAD, from the parsed snapshot (./stage-listing.ts). */
  async listVersionsInStage(stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
    return versionsInStage(await this.read(ctx), stage);
  }

  async getVersion(modelName: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    const snapshot = await this.read(ctx, opts);
    return structuredClone(this.servedVersion(snapshot, this.entry(snapshot, modelName), version));
  }

  /** `latest` is reserved: it always resolves to the highest served version. */
  async getVersionByAlias(modelName: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    const snapshot = await this.read(ctx, opts);
    const entry = this.entry(snapshot, modelName);
    if (isReservedAlias(alias)) {
      const latest = entry.versions[entry.versions.length - 1];
      if (latest === undefined) throw this.notFound(`model "${modelName}" has no versions`, snapshot);
      return structuredClone(latest);
    }
    const version = entry.file.aliases[alias];
    if (version === undefined) throw this.notFound(`model "${modelName}" has no alias "${alias}"`, snapshot);
    return structuredClone(this.servedVersion(snapshot, entry, version));
  }

  async getPrompt(name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<Prompt> {
    const snapshot = await this.read(ctx, opts);
    const file = snapshot.refs.prompts.get(`${name}@${version}`);
    if (file === undefined) {
      throw this.notFound(`prompt "${name}@${version}" not found: expected prompts/${name}/${version}.md (or .txt)`, snapshot);
    }
    let template = this.promptTexts.get(file.oid);
    if (template === undefined) {
      const blobs = await readBlobs(this.git, [file.oid], ctx);
      template = blobs.get(file.oid)?.toString("utf8") ?? "";
      this.promptTexts.set(file.oid, template);
    }
    return { name, version, template, location: file.path };
  }

  async getToolSet(name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ToolSet> {
    const snapshot = await this.read(ctx, opts);
    const file = snapshot.refs.tools.get(`${name}@${version}`);
    if (file === undefined) {
      throw this.notFound(`tool set "${name}@${version}" not found: expected tools/${name}/${version}.json`, snapshot);
    }
    if (file.problem !== undefined) throw problemError([file.problem], this.info.id, `tool set "${name}@${version}" cannot be read`);
    return { name, version, tools: structuredClone(file.tools), location: file.path };
  }

  async getEvalResults(modelName: string, version: string, ctx: CallContext): Promise<EvalResult[]> {
    const found = await this.getVersion(modelName, version, ctx);
    return found.generationConfig?.eval ? [found.generationConfig.eval] : [];
  }

  // ---- writes --------------------------------------------------------------------------------

  async registerVersion(input: RegisterVersionInput, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    this.assertWritable();
    validateRegisterInput(input, this.info.id);
    const name = input.modelName;
    const created = await this.write(ctx, opts, async (snapshot) => {
      const broken = snapshot.broken.get(name);
      if (broken) throw problemError(broken, this.info.id, `cannot register a version of "${name}" until its file is fixed`);
      const entry = snapshot.models.get(name);
      if (entry === undefined && input.createModel === false) {
        throw this.notFound(`model "${name}" does not exist (and createModel is false)`, snapshot);
      }
      this.checkRefsExist(input, snapshot);
      const numbers = (entry?.file.versions ?? []).filter((v) => NUMERIC_VERSION_RE.test(v.version)).map((v) => Number(v.version));
      const version = String(Math.max(0, ...numbers) + 1);
      const versionEntry = toVersionEntry(input, version, ctx.actor.id, new Date());
      if (entry === undefined) {
        return {
          path: modelFilePath(name),
          content: renderNewModelFile({
            name,
            ...(input.modelDescription === undefined ? {} : { description: input.modelDescription }),
            version: versionEntry,
          }),
          subject: `${name}: create model, register version ${version}`,
          action: `register ${name}@${version}`,
          model: name,
          version,
        };
      }
      const { text, oid } = await this.fileAt(snapshot, name, ctx);
      return {
        path: entry.path,
        content: appendVersion(text, versionEntry),
        subject: `${name}: register version ${version}`,
        action: `register ${name}@${version}`,
        model: name,
        version,
        oldBlob: oid,
      };
    });
    return created!;
  }

  async setAlias(modelName: string, alias: string, version: string, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    this.assertWritable();
    if (!ALIAS_RE.test(alias)) {
      throw new InvalidInputError(`alias "${alias}" is not valid: use 1-64 letters, digits, '_' or '-'`, { backend: this.info.id, field: "alias" });
    }
    if (isReservedAlias(alias)) {
      throw new InvalidInputError(`alias "${alias}" is reserved: "latest" always means the highest version`, { backend: this.info.id, field: "alias" });
    }
    const result = await this.write(ctx, opts, async (snapshot) => {
      const entry = this.entry(snapshot, modelName);
      if (!entry.file.versions.some((v) => v.version === version)) {
        throw this.notFound(`model "${modelName}" has no version "${version}"`, snapshot);
      }
      const current = entry.file.aliases[alias];
      if (current === version) return { unchanged: this.servedVersion(snapshot, entry, version) };
      const { text, oid } = await this.fileAt(snapshot, modelName, ctx);
      return {
        path: entry.path,
        content: setAliasIn(text, alias, version),
        subject:
          current === undefined
            ? `${modelName}: set alias ${alias} -> ${version}`
            : `${modelName}: move alias ${alias} ${current} -> ${version}`,
        action: `point alias ${alias} at ${modelName}@${version}`,
        model: modelName,
        version,
        oldBlob: oid,
      };
    });
    return result!;
  }

  async removeAlias(modelName: string, alias: string, ctx: CallContext, opts?: WriteOptions): Promise<void> {
    this.assertWritable();
    await this.write(ctx, opts, async (snapshot) => {
      const entry = this.entry(snapshot, modelName);
      const current = entry.file.aliases[alias];
      if (current === undefined) throw this.notFound(`model "${modelName}" has no alias "${alias}"`, snapshot);
      const { text, oid } = await this.fileAt(snapshot, modelName, ctx);
      return {
        path: entry.path,
        content: removeAliasIn(text, alias),
        subject: `${modelName}: remove alias ${alias} (was ${current})`,
        action: `remove alias ${alias} of ${modelName}`,
        model: modelName,
        oldBlob: oid,
      };
    });
  }

  /**
   * Writes the version's `status`. Setting PRODUCTION does not demote other versions. With
   * `opts.approval` the version's `approved_by` becomes the approvers ("alice, bob") and the commit
   * message carries `Modelgate-Promotion` and `Approved-by` trailers (./registry-writer.ts).
   */
  async setStage(modelName: string, version: string, stage: Stage, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    this.assertWritable();
    if (!isStage(stage)) {
      throw new InvalidInputError(`"${String(stage)}" is not a stage`, { backend: this.info.id, field: "stage" });
    }
    const status = STAGE_TO_STATUS[stage];
    const approvedBy = approversText(opts?.approval?.approvedBy);
    const result = await this.write(ctx, opts, async (snapshot) => {
      const entry = this.entry(snapshot, modelName);
      const target = entry.file.versions.find((v) => v.version === version);
      if (target === undefined) throw this.notFound(`model "${modelName}" has no version "${version}"`, snapshot);
      if (target.status === status && (approvedBy === undefined || target.approvedBy === approvedBy)) {
        return { unchanged: this.servedVersion(snapshot, entry, version) };
      }
      const { text, oid } = await this.fileAt(snapshot, modelName, ctx);
      return {
        path: entry.path,
        content: setStatusIn(text, target.index, status, approvedBy),
        subject:
          target.status === status
            ? `${modelName}@${version}: approved_by ${approvedBy ?? ""}`
            : `${modelName}@${version}: status ${target.status} -> ${status}`,
        action: `set ${modelName}@${version} to ${status}`,
        model: modelName,
        version,
        oldBlob: oid,
      };
    });
    return result!;
  }

  /** Removes a version entry (and the aliases pointing at it) in one commit; the model file stays. */
  async deleteVersion(modelName: string, version: string, ctx: CallContext, opts?: WriteOptions): Promise<void> {
    this.assertWritable();
    await this.writeModel(ctx, opts, modelName, async (snapshot) => {
      const entry = this.entry(snapshot, modelName);
      const target = entry.file.versions.find((v) => v.version === version);
      if (target === undefined) throw this.notFound(`model "${modelName}" has no version "${version}"`, snapshot);
      const { text, oid } = await this.fileAt(snapshot, modelName, ctx);
      return {
        path: entry.path,
        content: removeVersionIn(text, target.index, version),
        subject: `${modelName}: remove version ${version}`,
        action: `remove ${modelName}@${version}`,
        model: modelName,
        oldBlob: oid,
      };
    });
  }

  /** A model file with no versions yet (`versions: []`). */
  async createModel(input: CreateModelInput, ctx: CallContext, opts?: WriteOptions): Promise<RegisteredModel> {
    this.assertWritable();
    const name = input.name;
    if (!MODEL_NAME_RE.test(name)) {
      throw new InvalidInputError(`name: "${name}" is not a valid model name: start with a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)`, {
        backend: this.info.id,
        field: "name",
      });
    }
    this.checkPatch({ ...(input.tags === undefined ? {} : { setTags: input.tags }) });
    return this.writeModel(ctx, opts, name, async (snapshot) => {
      if (snapshot.models.has(name) || snapshot.broken.has(name) || snapshot.modelFiles.has(name)) {
        throw new AlreadyExistsError(`model "${name}" already exists in backend "${this.info.id}"`, { backend: this.info.id, field: "name" });
      }
      return {
        path: modelFilePath(name),
        content: renderEmptyModelFile(input),
        subject: `${name}: create model`,
        action: `create model ${name}`,
        model: name,
      };
    });
  }

  /** The model's `description` and `tags`. */
  async updateModel(name: string, patch: MetadataPatch, ctx: CallContext, opts?: WriteOptions): Promise<RegisteredModel> {
    this.assertWritable();
    this.checkPatch(patch);
    return this.writeModel(ctx, opts, name, async (snapshot) => {
      const entry = this.entry(snapshot, name);
      const { text, oid } = await this.fileAt(snapshot, name, ctx);
      const content = patchModelIn(text, patch);
      if (content === text) return { unchanged: undefined };
      return { path: entry.path, content, subject: `${name}: ${describePatch(patch)}`, action: `change ${name}`, model: name, oldBlob: oid };
    });
  }

  /** A version entry's `description` and `tags`. */
  async updateVersion(modelName: string, version: string, patch: MetadataPatch, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    this.assertWritable();
    this.checkPatch(patch);
    const result = await this.write(ctx, opts, async (snapshot) => {
      const entry = this.entry(snapshot, modelName);
      const target = entry.file.versions.find((v) => v.version === version);
      if (target === undefined) throw this.notFound(`model "${modelName}" has no version "${version}"`, snapshot);
      const { text, oid } = await this.fileAt(snapshot, modelName, ctx);
      const content = patchVersionIn(text, target.index, patch);
      if (content === text) return { unchanged: this.servedVersion(snapshot, entry, version) };
      return {
        path: entry.path,
        content,
        subject: `${modelName}@${version}: ${describePatch(patch)}`,
        action: `change ${modelName}@${version}`,
        model: modelName,
        version,
        oldBlob: oid,
      };
    });
    return result!;
  }

  private checkPatch(patch: MetadataPatch): void {
    for (const key of [...Object.keys(patch.setTags ?? {}), ...(patch.removeTags ?? [])]) {
      if (key.trim() === "") throw new InvalidInputError("tags: a tag key must not be empty", { backend: this.info.id, field: "tags" });
    }
    for (const [key, value] of Object.entries(patch.setTags ?? {})) {
      if (typeof value !== "string") throw new InvalidInputError(`tags.${key}: tag values are strings`, { backend: this.info.id, field: `tags.${key}` });
    }
  }

  /** Runs a model-level write and returns the model as the new commit (or the unchanged head) serves it. */
  private async writeModel(
    ctx: CallContext,
    opts: WriteOptions | undefined,
    name: string,
    plan: (snapshot: Snapshot) => Promise<PlanOutcome<undefined>>,
  ): Promise<RegisteredModel> {
    const outcome = await this.writer.run(ctx, opts, plan);
    // The branch moved: watchers need not wait for the file-system watch.
    if (!("unchanged" in outcome)) this.refWatch.changed();
    const snapshot = "unchanged" in outcome ? await this.store.read(ctx) : await this.store.at(outcome.commit, afterCommitContext(ctx));
    return structuredClone(this.entry(snapshot, name).model);
  }

  /** Writes the model's or a version's `card:` (human-written model card sections) to its YAML file. */
  async setModelCard(modelName: string, version: string | undefined, sections: Readonly<Record<string, string>>, ctx: CallContext, opts?: WriteOptions): Promise<void> {
    this.assertWritable();
    await this.write(ctx, opts, async (snapshot) => {
      const entry = this.entry(snapshot, modelName);
      const target = version === undefined ? undefined : entry.file.versions.find((v) => v.version === version);
      if (version !== undefined && target === undefined) throw this.notFound(`model "${modelName}" has no version "${version}"`, snapshot);
      const { text, oid } = await this.fileAt(snapshot, modelName, ctx);
      const content = setCardIn(text, target?.index, sections);
      const where = version === undefined ? modelName : `${modelName}@${version}`;
      if (content === text) return { unchanged: undefined };
      return {
        path: entry.path,
        content,
        subject: `${where}: model card`,
        action: `write the model card of ${where}`,
        model: modelName,
        ...(version === undefined ? {} : { version }),
        oldBlob: oid,
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.refWatch.close();
    await this.writer.drain();
    this.store.clear();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private read(ctx: CallContext, opts?: ReadOptions): Promise<Snapshot> {
    this.assertOpen();
    return this.store.read(ctx, opts);
  }

  private entry(snapshot: Snapshot, name: string): ModelEntry {
    const entry = snapshot.models.get(name);
    if (entry !== undefined) return entry;
    const broken = snapshot.broken.get(name);
    if (broken !== undefined) throw problemError(broken, this.info.id, `model "${name}" cannot be read`);
    throw this.notFound(`model "${name}" not found`, snapshot);
  }

  private servedVersion(snapshot: Snapshot, entry: ModelEntry, version: string): ModelVersion {
    const found = entry.versions.find((v) => v.version === version);
    if (found !== undefined) return found;
    const excluded = entry.excluded.get(version);
    if (excluded !== undefined) {
      throw problemError(excluded, this.info.id, `version ${version} of "${entry.file.name}" is not served`);
    }
    throw this.notFound(`model "${entry.file.name}" has no version "${version}"`, snapshot);
  }

  private notFound(message: string, snapshot: Snapshot): NotFoundError {
    const where =
      snapshot.commit === undefined
        ? `branch ${this.store.branch} has no commits yet`
        : `backend "${this.info.id}", commit ${snapshot.commit.slice(0, 12)}`;
    return new NotFoundError(`${message} (${where})`, { backend: this.info.id });
  }

  private async fileAt(snapshot: Snapshot, name: string, ctx: CallContext): Promise<{ text: string; oid: string }> {
    const file = snapshot.modelFiles.get(name);
    if (file === undefined) throw this.notFound(`model "${name}" not found`, snapshot);
    const blob = (await readBlobs(this.git, [file.oid], ctx)).get(file.oid);
    return { text: blob?.toString("utf8") ?? "", oid: file.oid };
  }

  private checkRefsExist(input: RegisterVersionInput, snapshot: Snapshot): void {
    const config = input.generationConfig;
    if (config?.promptRef !== undefined && !snapshot.refs.prompts.has(config.promptRef)) {
      throw new InvalidInputError(
        `prompt "${config.promptRef}" does not exist in the registry: commit prompts/${config.promptRef.replace("@", "/")}.md first`,
        { backend: this.info.id, field: "generationConfig.promptRef" },
      );
    }
    if (config?.toolsRef !== undefined) {
      const tools = snapshot.refs.tools.get(config.toolsRef);
      if (tools === undefined || tools.problem !== undefined) {
        throw new InvalidInputError(
          `tool set "${config.toolsRef}" ${tools === undefined ? "does not exist in the registry" : "is not valid JSON"}: ` +
            `commit a valid tools/${config.toolsRef.replace("@", "/")}.json first`,
          { backend: this.info.id, field: "generationConfig.toolsRef" },
        );
      }
    }
  }

  /** Runs a write and returns the version its plan names, read back from the new commit. */
  private async write(
    ctx: CallContext,
    opts: WriteOptions | undefined,
    plan: (snapshot: Snapshot) => Promise<PlanOutcome<ModelVersion | undefined>>,
  ): Promise<ModelVersion | undefined> {
    const outcome = await this.writer.run(ctx, opts, plan);
    if ("unchanged" in outcome) return outcome.unchanged === undefined ? undefined : structuredClone(outcome.unchanged);
    // The branch moved: watchers need not wait for the file-system watch.
    this.refWatch.changed();
    const { commit, plan: done } = outcome;
    if (done.version === undefined) return undefined;
    try {
      const snapshot = await this.store.at(commit, afterCommitContext(ctx));
      return structuredClone(this.servedVersion(snapshot, this.entry(snapshot, done.model), done.version));
    } catch (err) {
      throw new UnavailableError(
        `the write landed as commit ${commit.slice(0, 12)} but could not be read back: ${err instanceof Error ? err.message : String(err)}`,
        { backend: this.info.id, cause: err },
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError(`backend "${this.info.id}" is closed`, { backend: this.info.id });
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.options.readOnly) {
      throw new UnsupportedError(`backend "${this.info.id}" is read-only (readOnly: true in its config)`, { backend: this.info.id });
    }
  }
}

/** Approvers as the one-line `approved_by` value ("alice, bob"); undefined when there are none. */
function approversText(approvers: readonly string[] | undefined): string | undefined {
  const names = (approvers ?? []).map((a) => a.replace(/\s+/g, " ").trim()).filter((a) => a !== "");
  return names.length === 0 ? undefined : names.join(", ");
}

function hasTags(have: Record<string, string>, want: Record<string, string> | undefined): boolean {
  if (want === undefined) return true;
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

function describeProblems(problems: readonly RegistryProblem[]): string {
  const files = [...new Set(problems.map((p) => p.file))];
  const shown = problems.slice(0, 5).map(formatProblem).join("; ");
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : "";
  return `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files.join(", ")}: ${shown}${more}`;
}
