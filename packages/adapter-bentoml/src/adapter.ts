/**
 * The BentoML model store behind the gateway's adapter contract (modelgate/core RegistryAdapter).
 * Reads come from disk on every call (./store-reader.ts); writes go through ./writer.ts.
 */
import { mkdir, stat } from "node:fs/promises";
import {
  ensureActive,
  InvalidInputError,
  systemActor,
  NotFoundError,
  UnsupportedError,
  type AdapterLogger,
  type CallContext,
  type Capabilities,
  type HealthStatus,
  type ListModelsQuery,
  type ListVersionsQuery,
  type ModelVersion,
  type Page,
  type ReadOptions,
  type RegisteredModel,
  type RegisterVersionInput,
  type RegistryAdapter,
  type RegistryProblem,
  type Stage,
  type Tags,
  type WriteOptions,
} from "modelgate/core";
import { decodeModelCursor, decodeVersionCursor, encodeCursor } from "./cursor.js";
import { sweepTempDir } from "./fs-atomic.js";
import { ALIAS_RE, aliasLabel, LATEST_ALIAS, OWN_LABELS, stageLabelValue } from "./labels.js";
import { isTagPart, StoreLayout } from "./layout.js";
import { modelDirName, validateRegisterInput } from "./register-input.js";
import { StoreReader, type ModelSnapshot, type VersionRecord } from "./store-reader.js";
import { aliasesOf, toModelVersion, toRegisteredModel } from "./to-domain.js";
import { StoreWriter, type LabelChanges, type WriterOptions } from "./writer.js";

export const MAX_PAGE_SIZE = 500;
/** Temporary entries older than this are left by crashed writes: swept at start. */
const STALE_TEMP_MS = 60 * 60_000;
/** Models read at once while listing. */
const READ_CONCURRENCY = 8;

export interface BentomlAdapterOptions {
  home: string;
  readOnly: boolean;
  /** Real paths of the directories local imports may come from. */
  importRoots: string[];
  logger: AdapterLogger;
  /** Lock timings and a test hook for crashes mid-write. */
  writer?: Partial<Pick<WriterOptions, "lock" | "onStep">>;
}

function matchesTags(tags: Tags, filter: Tags | undefined): boolean {
  return Object.entries(filter ?? {}).every(([k, v]) => tags[k] === v);
}

export class BentomlAdapter implements RegistryAdapter {
  readonly info: { id: string; kind: string };
  readonly layout: StoreLayout;
  private readonly reader: StoreReader;
  private readonly writer: StoreWriter;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    id: string,
    private readonly opts: BentomlAdapterOptions,
  ) {
    this.info = { id, kind: "bentoml" };
    this.layout = new StoreLayout(opts.home);
    this.reader = new StoreReader(this.layout, id);
    this.writer = new StoreWriter(this.layout, this.reader, id, { importRoots: opts.importRoots, ...opts.writer });
  }

  /** Checks the home and prepares the adapter's working folder (writable stores only). */
  async start(): Promise<void> {
    const home = await stat(this.opts.home).catch(() => undefined);
    if (home === undefined || !home.isDirectory()) {
      throw new Error(`home: ${this.opts.home} is not a directory (BENTOML_HOME: the folder holding BentoML's models/)`);
    }
    if (this.opts.readOnly) return;
    await mkdir(this.layout.tmpDir, { recursive: true });
    await mkdir(this.layout.locksDir, { recursive: true });
    const models = await stat(this.layout.modelsDir).catch(() => undefined);
    const work = await stat(this.layout.tmpDir);
    if (models !== undefined && models.dev !== work.dev) {
      throw new Error(
        `home: ${this.layout.modelsDir} is on another file system than ${this.layout.tmpDir}: versions are written there and renamed into models/, which needs one file system`,
      );
    }
    const swept = await sweepTempDir(this.layout.tmpDir, STALE_TEMP_MS);
    if (swept > 0) this.opts.logger.info({ backend: this.info.id, swept }, "removed temporary files of interrupted writes");
  }

  capabilities(): Capabilities {
    return { asOf: false, generationConfigs: false, prompts: false, aliases: true, maxPageSize: MAX_PAGE_SIZE, writes: !this.opts.readOnly };
  }

  async health(ctx: CallContext): Promise<HealthStatus> {
    const started = Date.now();
    const done = (state: HealthStatus["state"], message?: string): HealthStatus => ({
      state,
      latencyMs: Date.now() - started,
      checkedAt: new Date(),
      ...(message === undefined ? {} : { message }),
    });
    try {
      const home = await stat(this.opts.home).catch(() => undefined);
      if (home === undefined) return done("DOWN", `${this.opts.home} does not exist`);
      const problems = await this.problems(ctx);
      if (problems.length === 0) return done("UP");
      const files = [...new Set(problems.map((p) => p.file))];
      return done("DEGRADED", `${problems.length} problem(s) in ${files.slice(0, 5).join(", ")}${files.length > 5 ? " …" : ""}; see problems()`);
    } catch (err) {
      return done("DOWN", (err as Error).message);
    }
  }

  async problems(ctx: CallContext, opts?: ReadOptions): Promise<RegistryProblem[]> {
    this.rejectAsOf(opts);
    const { names, invalid } = await this.reader.modelDirs(ctx);
    const problems: RegistryProblem[] = invalid.map((name) => ({
      file: `models/${name}`,
      line: 1,
      field: "(file)",
      message: `"${name}" is not a valid BentoML model name (lower-case letters, digits, "-", "_", "."; at most 63 characters): BentoML cannot list it`,
    }));
    for (const snapshot of await this.readAll(names, ctx)) if (snapshot) problems.push(...snapshot.problems);
    return problems;
  }

  // --- reads ------------------------------------------------------------------------------------

  private rejectAsOf(opts: ReadOptions | undefined): void {
    if (opts?.asOf !== undefined) {
      throw new UnsupportedError("asOf: BentoML's model store keeps no history; read the current state", { backend: this.info.id, field: "asOf" });
    }
  }

  private async readAll(names: string[], ctx: CallContext): Promise<(ModelSnapshot | undefined)[]> {
    const out: (ModelSnapshot | undefined)[] = new Array(names.length);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const i = next++;
        out[i] = await this.reader.readModel(names[i] as string, ctx);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
    return out;
  }

  /** The model named exactly `name` in the gateway, with at least one version. */
  private async snapshot(name: string, ctx: CallContext): Promise<ModelSnapshot> {
    const dirName = modelDirName(name);
    const snapshot = isTagPart(dirName) ? await this.reader.readModel(dirName, ctx) : undefined;
    if (snapshot === undefined || snapshot.versions.length === 0) {
      const problem = snapshot?.problems[0];
      if (problem !== undefined) {
        throw new InvalidInputError(`model "${name}": ${problem.file}:${problem.line}: ${problem.message}`, {
          backend: this.info.id,
          file: problem.file,
          line: problem.line,
          field: problem.field,
        });
      }
      throw new NotFoundError(`model "${name}" not found in BentoML store ${this.layout.modelsDir}`, { backend: this.info.id });
    }
    if (snapshot.name !== name) {
      throw new NotFoundError(`model "${name}" not found; BentoML's "${dirName}" is named "${snapshot.name}" here`, { backend: this.info.id });
    }
    return snapshot;
  }

  private record(snapshot: ModelSnapshot, version: string): VersionRecord {
    const record = snapshot.versions.find((v) => v.id === version);
    if (record === undefined) {
      const problem = snapshot.problems.find((p) => p.version === version);
      if (problem !== undefined) {
        throw new InvalidInputError(`${snapshot.name}:${version}: ${problem.file}:${problem.line}: ${problem.message}`, {
          backend: this.info.id,
          file: problem.file,
          line: problem.line,
          field: problem.field,
        });
      }
      throw new NotFoundError(`model "${snapshot.name}" has no version "${version}"`, { backend: this.info.id });
    }
    return record;
  }

  private async toVersion(snapshot: ModelSnapshot, record: VersionRecord, aliases = aliasesOf(snapshot)): Promise<ModelVersion> {
    return toModelVersion(this.info.id, snapshot, record, aliases, await this.reader.sizeOf(record));
  }

  async listModels(query: ListModelsQuery, ctx: CallContext): Promise<Page<RegisteredModel>> {
    this.rejectAsOf(query);
    const first = Math.max(1, Math.min(query.first, MAX_PAGE_SIZE));
    const after = decodeModelCursor(query.after, this.info.id);
    const contains = query.filter?.nameContains?.toLowerCase();
    const { names } = await this.reader.modelDirs(ctx);
    // A model's gateway name differs from its directory in case only, so the name filter applies to directories.
    const candidates = names.filter((n) => (after === undefined || n > after.n) && (contains === undefined || n.includes(contains)));
    const items: RegisteredModel[] = [];
    let more = false;
    for (let i = 0; i < candidates.length && !more; i += first + 1) {
      for (const snapshot of await this.readAll(candidates.slice(i, i + first + 1), ctx)) {
        if (snapshot === undefined || snapshot.versions.length === 0) continue;
        const model = toRegisteredModel(this.info.id, snapshot);
        if (!matchesTags(model.tags, query.filter?.tags)) continue;
        if (items.length === first) {
          more = true;
          break;
        }
        items.push(model);
      }
    }
    const last = items[items.length - 1];
    return { items, ...(more && last ? { nextCursor: encodeCursor({ k: "bentoml-m", n: modelDirName(last.name) }) } : {}) };
  }

  async getModel(name: string, ctx: CallContext, opts?: ReadOptions): Promise<RegisteredModel> {
    this.rejectAsOf(opts);
    return toRegisteredModel(this.info.id, await this.snapshot(name, ctx));
  }

  async listVersions(modelName: string, query: ListVersionsQuery, ctx: CallContext): Promise<Page<ModelVersion>> {
    this.rejectAsOf(query);
    const first = Math.max(1, Math.min(query.first, MAX_PAGE_SIZE));
    const after = decodeVersionCursor(query.after, this.info.id);
    const snapshot = await this.snapshot(modelName, ctx);
    const aliases = aliasesOf(snapshot);
    const items: ModelVersion[] = [];
    const served: VersionRecord[] = [];
    let more = false;
    for (const record of snapshot.versions) {
      if (after !== undefined && (record.info.created.micros < after.t || (record.info.created.micros === after.t && record.id <= after.v))) continue;
      const version = await this.toVersion(snapshot, record, aliases);
      if (query.filter?.stage !== undefined && version.stage !== query.filter.stage) continue;
      if (!matchesTags(version.tags, query.filter?.tags)) continue;
      if (items.length === first) {
        more = true;
        break;
      }
      items.push(version);
      served.push(record);
    }
    const last = served[served.length - 1];
    return { items, ...(more && last ? { nextCursor: encodeCursor({ k: "bentoml-v", t: last.info.created.micros, v: last.id }) } : {}) };
  }

  async getVersion(modelName: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    this.rejectAsOf(opts);
    const snapshot = await this.snapshot(modelName, ctx);
    return this.toVersion(snapshot, this.record(snapshot, version));
  }

  async getVersionByAlias(modelName: string, alias: string, ctx: CallContext, opts?: ReadOptions): Promise<ModelVersion> {
    this.rejectAsOf(opts);
    const snapshot = await this.snapshot(modelName, ctx);
    const aliases = aliasesOf(snapshot);
    const version = aliases.get(alias);
    if (version === undefined) throw new NotFoundError(`model "${modelName}" has no alias "${alias}"`, { backend: this.info.id });
    return this.toVersion(snapshot, this.record(snapshot, version), aliases);
  }

  /** Versions in `stage` across every model, from one scan of the store (the optional stage listing). */
  async listVersionsInStage(stage: Stage, ctx: CallContext): Promise<ModelVersion[]> {
    const { names } = await this.reader.modelDirs(ctx);
    const out: ModelVersion[] = [];
    for (const snapshot of await this.readAll(names, ctx)) {
      if (snapshot === undefined || snapshot.versions.length === 0) continue;
      const aliases = aliasesOf(snapshot);
      for (const record of snapshot.versions) {
        const version = await this.toVersion(snapshot, record, aliases);
        if (version.stage === stage) out.push(version);
      }
    }
    return out;
  }

  // --- writes -----------------------------------------------------------------------------------

  private writable(): void {
    if (this.opts.readOnly) throw new UnsupportedError(`backend "${this.info.id}" is read-only (readOnly: true)`, { backend: this.info.id });
  }

  /** Tracks a write so close() can wait for it. */
  private track<T>(write: Promise<T>): Promise<T> {
    this.inFlight.add(write);
    const forget = () => this.inFlight.delete(write);
    write.then(forget, forget);
    return write;
  }

  /** Re-reads the model after a write through this adapter (no deadline: the write has happened). */
  private async readBack(name: string, version: string): Promise<ModelVersion> {
    const snapshot = await this.snapshot(name, { signal: new AbortController().signal, deadline: Infinity, actor: systemActor("bentoml-read-back") });
    return this.toVersion(snapshot, this.record(snapshot, version));
  }

  async registerVersion(input: RegisterVersionInput, ctx: CallContext, _opts?: WriteOptions): Promise<ModelVersion> {
    this.writable();
    validateRegisterInput(input, this.info.id);
    ensureActive(ctx, this.info.id);
    return this.track(
      (async () => {
        const { version } = await this.writer.register(input, ctx);
        return this.readBack(input.modelName, version);
      })(),
    );
  }

  /** Runs label edits on one model as its only writer, then reads the version back. */
  private edit(
    modelName: string,
    version: string,
    ctx: CallContext,
    plan: (snapshot: ModelSnapshot, target: VersionRecord) => [VersionRecord, LabelChanges][],
  ): Promise<ModelVersion> {
    this.writable();
    ensureActive(ctx, this.info.id);
    const dirName = modelDirName(modelName);
    return this.track(
      (async () => {
        await this.writer.withModel(dirName, ctx, async () => {
          const snapshot = await this.snapshot(modelName, ctx);
          const target = this.record(snapshot, version);
          ensureActive(ctx, this.info.id);
          try {
            for (const [record, changes] of plan(snapshot, target)) await this.writer.editLabels(record, changes);
          } finally {
            this.reader.forgetModel(dirName);
          }
        });
        return this.readBack(modelName, version);
      })(),
    );
  }

  private checkAlias(alias: string): void {
    if (alias === LATEST_ALIAS) {
      throw new InvalidInputError(`alias: "${LATEST_ALIAS}" is BentoML's own pointer to the newest version, moved by every save; choose another name`, {
        backend: this.info.id,
        field: "alias",
      });
    }
    if (!ALIAS_RE.test(alias)) {
      throw new InvalidInputError(`alias: "${alias}" must be letters, digits, "_", "-" or ".", starting with a letter or digit (at most 128)`, {
        backend: this.info.id,
        field: "alias",
      });
    }
  }

  async setAlias(modelName: string, alias: string, version: string, ctx: CallContext, _opts?: WriteOptions): Promise<ModelVersion> {
    this.checkAlias(alias);
    const key = aliasLabel(alias);
    return this.edit(modelName, version, ctx, (snapshot, target) => {
      const holders = snapshot.versions.filter((v) => v.info.labels[key] !== undefined);
      if (holders.length === 1 && holders[0] === target) return [];
      // The new holder first, then the old ones: cut short in between, the later setting holds (aliasesOf).
      return [
        [target, { set: { [key]: new Date().toISOString() } }],
        ...holders.filter((v) => v !== target).map((v): [VersionRecord, LabelChanges] => [v, { remove: [key] }]),
      ];
    });
  }

  async removeAlias(modelName: string, alias: string, ctx: CallContext, _opts?: WriteOptions): Promise<void> {
    this.checkAlias(alias);
    this.writable();
    ensureActive(ctx, this.info.id);
    const key = aliasLabel(alias);
    const dirName = modelDirName(modelName);
    await this.track(
      this.writer.withModel(dirName, ctx, async () => {
        const snapshot = await this.snapshot(modelName, ctx);
        const holders = snapshot.versions.filter((v) => v.info.labels[key] !== undefined);
        if (holders.length === 0) throw new NotFoundError(`model "${modelName}" has no alias "${alias}"`, { backend: this.info.id });
        ensureActive(ctx, this.info.id);
        try {
          for (const holder of holders) await this.writer.editLabels(holder, { remove: [key] });
        } finally {
          this.reader.forgetModel(dirName);
        }
      }),
    );
  }

  async setStage(modelName: string, version: string, stage: Stage, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
    return this.edit(modelName, version, ctx, (_snapshot, target) => {
      const value = stageLabelValue(stage);
      const changes: LabelChanges = value === undefined ? { remove: [OWN_LABELS.stage] } : { set: { [OWN_LABELS.stage]: value } };
      const approval = opts?.approval;
      if (approval !== undefined) {
        changes.set = {
          ...changes.set,
          [OWN_LABELS.approvalRequestId]: approval.requestId,
          [OWN_LABELS.approvalApprovedBy]: approval.approvedBy.join(", "),
          [OWN_LABELS.approvalApprovedAt]: approval.approvedAt.toISOString(),
        };
      }
      return [[target, changes]];
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

