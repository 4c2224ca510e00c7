/**
 * Drift: a version whose native stage in its backend no longer matches what the promotion trail
 * says (someone moved an alias in MLflow's UI, approved a package in SageMaker's console, edited a
 * git-YAML file by hand).
 *
 * What the trail says, per backend and model, is replayed from the APPLIED requests in the order
 * they were applied: each sets its version's stage and puts the versions it demoted in its demote
 * stage. STAGING, SHADOW and PRODUCTION may have a single holder in some backends (an MLflow alias
 * moves off the previous holder), so a later apply into one of them supersedes what the trail said
 * of the earlier holders it did not demote itself: those versions are no longer checked.
 *
 * A check reads the tracked versions from the backend and compares. A drift seen for the first time
 * is recorded once, in one store transaction: an `OUT_OF_BAND_CHANGE` audit event (before: the
 * expected stage, after: the actual one) and an open drift observation. Later checks that see the
 * same drift change nothing; when the backend is back in line (or the trail no longer expects
 * anything of the version) the observation is resolved with a `DRIFT_RESOLVED` event, and a later
 * different drift is a new observation and a new event. Models with a request being applied are
 * skipped (the backend is between two states the trail knows), and a check whose trail changed
 * between reading the backend and recording is discarded and retried.
 */
import { randomUUID } from "node:crypto";
import { createCallContext, isRegistryError, type CallContext, type Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { ResilientAdapter } from "../catalog/resilient-adapter.js";
import type { AuditEventInput, Store, StoreTx } from "../store/store.js";
import type { DriftObservationRecord, PromotionRequestRecord, TrackedModel } from "../store/workflow-store.js";

export const DRIFT_ACTOR = "modelgate:drift";
/** Audit action of a drift recorded for the first time. */
export const OUT_OF_BAND_CHANGE = "OUT_OF_BAND_CHANGE";
/** Audit action of a drift that ended (the backend is back in line, or the trail moved on). */
export const DRIFT_RESOLVED = "DRIFT_RESOLVED";

/** Stages some backends let only one version of a model hold at a time. */
const SINGLE_HOLDER_STAGES: ReadonlySet<Stage> = new Set<Stage>(["STAGING", "SHADOW", "PRODUCTION"]);

/** Attempts of one model's check when the trail changes while it runs. */
const MAX_ATTEMPTS = 3;

export interface DriftEntry {
  backendId: string;
  model: string;
  version: string;
  /** The stage the trail says the version is in. */
  expectedStage: Stage;
  /** The stage the backend reports; null when the version no longer exists there. */
  actualStage: Stage | null;
  /** When the drift was first seen. */
  detectedAt: Date;
}

export interface ModelDriftResult {
  backendId: string;
  model: string;
  /** The model's drifts after the check (open observations). */
  drifts: DriftEntry[];
  /** Drifts this check saw for the first time (each recorded with one OUT_OF_BAND_CHANGE event). */
  detected: DriftEntry[];
  /** Drifts this check found resolved. */
  resolved: DriftEntry[];
  /** Versions whose stage the trail knows and the check compared. */
  checkedVersions: number;
  /** Why the model was not compared this time (its drifts are the last known ones), or null. */
  skipped: string | null;
}

export interface DriftCheckSummary {
  results: ModelDriftResult[];
  /** Models whose check failed (backend unavailable, not configured any more...). */
  failures: { backendId: string; model: string; error: string }[];
}

/** What the trail expects of one version, and the request that set it. */
export interface ExpectedStage {
  stage: Stage;
  requestId: string;
}

/**
 * The stage the trail says each version is in, replayed from a model's APPLIED requests in apply
 * order. `demotedBy` gives the versions an apply actually demoted (its outbox steps).
 */
export function expectedStages(applied: readonly PromotionRequestRecord[], demotedBy: ReadonlyMap<string, readonly string[]>): Map<string, ExpectedStage> {
  const expected = new Map<string, ExpectedStage>();
  const assign = (version: string, stage: Stage, requestId: string, keep: ReadonlySet<string>) => {
    if (SINGLE_HOLDER_STAGES.has(stage)) {
      for (const [other, e] of expected) if (e.stage === stage && other !== version && !keep.has(other)) expected.delete(other);
    }
    expected.set(version, { stage, requestId });
  };
  for (const r of applied) {
    if (r.status !== "APPLIED") continue;
    const demoted = demotedBy.get(r.id) ?? r.previousVersions;
    assign(r.version, r.toStage, r.id, new Set(demoted));
    for (const d of demoted) if (d !== r.version) assign(d, r.demoteTo, r.id, new Set([r.version]));
  }
  return expected;
}

function entryOf(o: DriftObservationRecord): DriftEntry {
  return {
    backendId: o.backendId,
    model: o.modelName,
    version: o.version,
    expectedStage: o.expectedStage,
    actualStage: o.actualStage,
    detectedAt: o.detectedAt,
  };
}

/** Identifies the trail of a model as read: any request added or changed makes it differ. */
function fingerprint(requests: readonly PromotionRequestRecord[]): string {
  return requests.map((r) => `${r.id}:${r.status}:${r.updatedAt.toISOString()}`).join(",");
}

const isNotFound = (err: unknown): boolean => isRegistryError(err) && err.code === "NOT_FOUND";

function describe(err: unknown): string {
  if (isRegistryError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export interface DriftCheckerOptions {
  clock?: () => Date;
  /** Versions read per page when listing a model's versions (default 100). */
  pageSize?: number;
}

export class DriftChecker {
  readonly #clock: () => Date;
  readonly #pageSize: number;

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    opts: DriftCheckerOptions = {},
  ) {
    this.#clock = opts.clock ?? (() => new Date());
    this.#pageSize = opts.pageSize ?? 100;
  }

  /** The open drifts of one version (no backend call). */
  async driftOf(backendId: string, model: string, version: string): Promise<DriftEntry | null> {
    const [open] = await this.store.workflow.listOpenDrifts(backendId, model, version);
    return open === undefined ? null : entryOf(open);
  }

  /** Checks every model the workflow has applied a stage to, on every configured backend. */
  async checkAll(ctx: CallContext): Promise<DriftCheckSummary> {
    const tracked = await this.store.workflow.listTrackedModels();
    const summary: DriftCheckSummary = { results: [], failures: [] };
    for (const m of tracked) {
      if (ctx.signal.aborted) break;
      if (!this.catalog.has(m.backendId)) {
        summary.failures.push({ backendId: m.backendId, model: m.modelName, error: `backend "${m.backendId}" is no longer configured` });
        continue;
      }
      try {
        summary.results.push(await this.checkModel(m.backendId, m.modelName, ctx));
      } catch (err) {
        summary.failures.push({ backendId: m.backendId, model: m.modelName, error: describe(err) });
      }
    }
    return summary;
  }

  /** Reads one model's tracked versions from the backend now and records what changed. */
  async checkModel(backendId: string, model: string, ctx: CallContext): Promise<ModelDriftResult> {
    const adapter = this.catalog.backend(backendId);
    for (let attempt = 1; ; attempt++) {
      let result: ModelDriftResult | undefined;
      try {
        result = await this.#attempt(adapter, { backendId, modelName: model }, ctx);
      } catch (err) {
        // Another check (another gateway on the same database) recorded the same drift first: the
        // next attempt sees its observation.
        if (!(isRegistryError(err) && err.code === "CONFLICT" && attempt < MAX_ATTEMPTS)) throw err;
      }
      if (result !== undefined) return result;
      if (attempt >= MAX_ATTEMPTS) {
        return this.#unchanged(backendId, model, "the model's promotions kept changing while it was checked; it is checked again next time");
      }
    }
  }

  async #unchanged(backendId: string, model: string, skipped: string): Promise<ModelDriftResult> {
    const open = await this.store.workflow.listOpenDrifts(backendId, model);
    return { backendId, model, drifts: open.map(entryOf), detected: [], resolved: [], checkedVersions: 0, skipped };
  }

  /** One check; undefined when the trail changed while the backend was read. */
  async #attempt(adapter: ResilientAdapter, m: TrackedModel, ctx: CallContext): Promise<ModelDriftResult | undefined> {
    const requests = await this.store.workflow.listRequestsForModel(m.backendId, m.modelName);
    const applying = requests.find((r) => r.status === "APPLYING");
    if (applying !== undefined) {
      return this.#unchanged(m.backendId, m.modelName, `request ${applying.id} is being applied; the model is checked once it has ended`);
    }
    const applied = requests.filter((r) => r.status === "APPLIED");
    const demotedBy = new Map<string, string[]>();
    for (const r of applied) {
      const outbox = await this.store.workflow.getOutboxByRequest(r.id);
      if (outbox !== undefined) demotedBy.set(r.id, outbox.steps.demoted);
    }
    const expected = expectedStages(applied, demotedBy);
    const actual = expected.size === 0 ? new Map<string, Stage | null>() : await this.#readStages(adapter, m.modelName, [...expected.keys()], ctx);
    const now = this.#clock();
    const outcome = await this.store.transaction(async (tx) => {
      if (fingerprint(await tx.workflow.listRequestsForModel(m.backendId, m.modelName)) !== fingerprint(requests)) return undefined;
      return this.#record(tx, m, expected, actual, now, ctx);
    });
    if (outcome === undefined) return undefined;
    return { backendId: m.backendId, model: m.modelName, ...outcome, checkedVersions: expected.size, skipped: null };
  }

  /** The backend's stage of each wanted version (null: it does not exist there). */
  async #readStages(adapter: ResilientAdapter, model: string, wanted: string[], ctx: CallContext): Promise<Map<string, Stage | null>> {
    const want = new Set(wanted);
    const out = new Map<string, Stage | null>();
    let after: string | undefined;
    try {
      for (;;) {
        const page = await this.catalog.listVersions(adapter.info.id, model, { first: this.#pageSize, ...(after === undefined ? {} : { after }) }, ctx);
        for (const edge of page.edges) if (want.has(edge.item.version)) out.set(edge.item.version, edge.item.stage);
        if (!page.hasNextPage || out.size === want.size) break;
        after = page.endCursor;
      }
    } catch (err) {
      // The whole model is gone: every tracked version with it.
      if (!isNotFound(err)) throw err;
      for (const v of wanted) out.set(v, null);
      return out;
    }
    for (const v of wanted) {
      if (out.has(v)) continue;
      try {
        out.set(v, (await adapter.getVersion(model, v, ctx)).stage);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        out.set(v, null);
      }
    }
    return out;
  }

  async #record(
    tx: StoreTx,
    m: TrackedModel,
    expected: ReadonlyMap<string, ExpectedStage>,
    actual: ReadonlyMap<string, Stage | null>,
    now: Date,
    ctx: CallContext,
  ): Promise<{ drifts: DriftEntry[]; detected: DriftEntry[]; resolved: DriftEntry[] }> {
    const detected: DriftEntry[] = [];
    const resolved: DriftEntry[] = [];
    const still = new Map<string, DriftObservationRecord>();
    for (const o of await tx.workflow.listOpenDrifts(m.backendId, m.modelName)) {
      const e = expected.get(o.version);
      const a = actual.get(o.version);
      if (e !== undefined && a !== undefined && a !== e.stage && o.expectedStage === e.stage && o.actualStage === a && !still.has(o.version)) {
        still.set(o.version, o);
        continue;
      }
      await tx.workflow.resolveDriftObservation(o.id, now);
      resolved.push(entryOf(o));
      // Replaced by a different drift of the same version: the new event says so.
      if (e !== undefined && a !== undefined && a !== e.stage) continue;
      await tx.appendAudit(
        this.#event(ctx, m, o.version, DRIFT_RESOLVED, {
          before: { stage: o.actualStage },
          after: { stage: a ?? null, expected: e?.stage ?? null },
          reason:
            e === undefined
              ? `the promotion trail no longer says which stage ${o.version} is in (a later promotion superseded it)`
              : `back in ${e.stage}, as the promotion trail says`,
        }),
      );
    }
    for (const [version, e] of expected) {
      const a = actual.get(version);
      if (a === undefined || a === e.stage || still.has(version)) continue;
      const event = await tx.appendAudit(
        this.#event(ctx, m, version, OUT_OF_BAND_CHANGE, {
          before: { stage: e.stage, requestId: e.requestId },
          after: { stage: a },
          reason:
            a === null
              ? `${version} no longer exists in the backend, but the promotion trail says it is in ${e.stage}`
              : `${version} is ${a} in the backend, but the promotion trail says ${e.stage}: it was changed outside modelgate`,
        }),
      );
      const record: DriftObservationRecord = {
        id: randomUUID(),
        backendId: m.backendId,
        modelName: m.modelName,
        version,
        expectedStage: e.stage,
        actualStage: a,
        detectedAt: now,
        resolvedAt: null,
        auditEventId: event.id,
      };
      await tx.workflow.insertDriftObservation(record);
      still.set(version, record);
      detected.push(entryOf(record));
    }
    const drifts = [...still.values()].map(entryOf).sort((x, y) => (x.version < y.version ? -1 : x.version > y.version ? 1 : 0));
    return { drifts, detected, resolved };
  }

  #event(ctx: CallContext, m: TrackedModel, version: string, action: string, rest: Pick<AuditEventInput, "before" | "after" | "reason">): AuditEventInput {
    return {
      actor: DRIFT_ACTOR,
      action,
      targetType: "model_version",
      target: `${m.backendId}/${m.modelName}@${version}`,
      backendId: m.backendId,
      modelName: m.modelName,
      ...rest,
      outcome: "SUCCESS",
      ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
    };
  }
}

export interface DriftLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DriftPollerOptions {
  /** Time between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Timeout of each pass's backend calls (default: the interval, at least 10 s). */
  callTimeoutMs?: number;
}

/** Runs `checkAll` in the background, one pass at a time, the first one interval after start. */
export class DriftPoller {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  readonly #controller = new AbortController();

  constructor(
    private readonly checker: DriftChecker,
    private readonly logger: DriftLogger,
    private readonly opts: DriftPollerOptions,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#pass().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.opts.intervalMs);
    this.#timer.unref();
  }

  async #pass(): Promise<void> {
    const ctx = createCallContext({
      timeoutMs: this.opts.callTimeoutMs ?? Math.max(this.opts.intervalMs, 10_000),
      actor: { id: DRIFT_ACTOR, displayName: "modelgate drift check", roles: [] },
      signal: this.#controller.signal,
    });
    try {
      const summary = await this.checker.checkAll(ctx);
      for (const r of summary.results) {
        for (const d of r.detected) {
          this.logger.warn({ backend: d.backendId, model: d.model, version: d.version, expectedStage: d.expectedStage, actualStage: d.actualStage }, "out-of-band change: the backend no longer matches the promotion trail");
        }
        for (const d of r.resolved) this.logger.info({ backend: d.backendId, model: d.model, version: d.version }, "drift resolved");
      }
      for (const f of summary.failures) {
        if (this.#stopped) break;
        this.logger.warn({ backend: f.backendId, model: f.model, error: f.error }, "drift check of a model failed; retrying on the next pass");
      }
    } catch (err) {
      if (!this.#stopped) this.logger.error({ err }, "drift check pass failed; retrying on the next pass");
    }
  }

  /** Stops polling for good; a pass under way is cancelled and waited for. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller.abort();
    await this.#running;
  }
}
