/**
 * Drift: a backend that no longer matches the promotion trail, in either direction.
 *
 * - OUT_OF_BAND_CHANGE: a version the trail tracks is not in the stage the trail put it in (someone
 *   moved an alias in MLflow's UI, rejected a package in SageMaker's console, edited a git-YAML file).
 * - UNAPPROVED_IN_STAGE: the backend has a version in a governed stage (the stage of a configured
 *   environment) that the trail never approved into it (the `production` alias moved onto v2 in
 *   MLflow, a package approved in SageMaker's console, a commit setting v16 to production).
 *
 * What the trail says comes from ./trail-stages.ts. A check of one model reads all of its versions
 * from the backend (one listing) and judges the versions the trail tracks and every version in a
 * governed stage. A drift seen for the first time is recorded once, in one store transaction: an audit
 * event named after its kind and an open drift observation. Later checks that see the same drift
 * change nothing; when the backend and the trail agree again (or the trail no longer expects anything
 * of the version) the observation is resolved with a `DRIFT_RESOLVED` event, and a later different
 * drift is a new observation and a new event. Models with a request being applied are skipped (the
 * backend is between two states the trail knows), and a check whose trail changed between reading the
 * backend and recording is discarded and retried.
 *
 * Passes over every model (the background poller) are in ./drift-pass.ts.
 */
import { randomUUID } from "node:crypto";
import { isRegistryError, type CallContext, type Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { ResilientAdapter } from "../catalog/resilient-adapter.js";
import type { ComponentActivation } from "../store/deployment-store.js";
import type { AuditEventInput, Store, StoreTx } from "../store/store.js";
import type { DriftObservationRecord, PromotionRequestRecord } from "../store/workflow-store.js";
import { DriftPasses } from "./drift-pass.js";
import { DRIFT_ACTOR, DRIFT_RESOLVED, type DriftEntry, type ModelDriftResult, type ModelRef } from "./drift-types.js";
import { readTrail } from "./trail-reader.js";
import { describeVerdict, environmentOfStage, governedStages, judgeVersion, type DriftVerdict, type TrailReplay } from "./trail-stages.js";

export { DRIFT_ACTOR, DRIFT_RESOLVED, OUT_OF_BAND_CHANGE, UNAPPROVED_IN_STAGE, type DriftEntry, type ModelDriftResult } from "./drift-types.js";
export { expectedStages, type ExpectedStage } from "./trail-stages.js";

/** Attempts of one model's check when the trail changes while it runs. */
const MAX_ATTEMPTS = 3;

function entryOf(o: DriftObservationRecord): DriftEntry {
  return {
    kind: o.kind,
    backendId: o.backendId,
    model: o.modelName,
    version: o.version,
    expectedStage: o.expectedStage,
    actualStage: o.actualStage,
    detectedAt: o.detectedAt,
  };
}

/** What an observation stores as the expected stage of a verdict. */
const storedExpected = (v: DriftVerdict): Stage => v.trailStage ?? "NONE";

/** Identifies the trail of a model as read: any request added or changed, or any activation bundling it, makes it differ. */
function fingerprint(requests: readonly PromotionRequestRecord[], activations: readonly ComponentActivation[]): string {
  return [...requests.map((r) => `${r.id}:${r.status}:${r.updatedAt.toISOString()}`), ...activations.map((a) => `${a.requestId}:${a.version}`)].join(",");
}

const isNotFound = (err: unknown): boolean => isRegistryError(err) && err.code === "NOT_FOUND";

export interface DriftCheckerOptions {
  clock?: () => Date;
  /** Versions read per page when listing a model's versions (default 100). */
  pageSize?: number;
  /**
   * The configured environments: their stages are the governed ones (a version in one of them that
   * the trail never approved there is UNAPPROVED_IN_STAGE), and events name the environment of a
   * stage. Default: none (only OUT_OF_BAND_CHANGE is checked).
   */
  environments?: Readonly<Record<string, { stage: Stage }>>;
}

export class DriftChecker {
  readonly #clock: () => Date;
  readonly #pageSize: number;
  readonly #environments: Readonly<Record<string, { stage: Stage }>>;
  /** The stages the configured environments govern. */
  readonly governed: ReadonlySet<Stage>;
  /** Passes over every model (the background poller's), their progress and where the next one resumes. */
  readonly passes: DriftPasses;

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    opts: DriftCheckerOptions = {},
  ) {
    this.#clock = opts.clock ?? (() => new Date());
    this.#pageSize = opts.pageSize ?? 100;
    this.#environments = opts.environments ?? {};
    this.governed = governedStages(this.#environments);
    this.passes = new DriftPasses(this, store, catalog, this.governed, this.#clock);
  }

  /** The open drifts of one version (no backend call). */
  async driftOf(backendId: string, model: string, version: string): Promise<DriftEntry | null> {
    const [open] = await this.store.workflow.listOpenDrifts(backendId, model, version);
    return open === undefined ? null : entryOf(open);
  }

  /** Reads one model's versions from the backend now and records what changed. */
  async checkModel(backendId: string, model: string, ctx: CallContext): Promise<ModelDriftResult> {
    const adapter = this.catalog.backend(backendId);
    for (let attempt = 1; ; attempt++) {
      let result: ModelDriftResult | undefined;
      try {
        result = await this.#attempt(adapter, { backendId, model }, ctx);
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
  async #attempt(adapter: ResilientAdapter, m: ModelRef, ctx: CallContext): Promise<ModelDriftResult | undefined> {
    const { requests, activations, replay } = await readTrail(this.store, this.#environments, m.backendId, m.model);
    const applying = requests.find((r) => r.status === "APPLYING");
    if (applying !== undefined) {
      return this.#unchanged(m.backendId, m.model, `request ${applying.id} is being applied; the model is checked once it has ended`);
    }
    const actual = await this.#readStages(adapter, m.model, [...replay.expected.keys()], ctx);
    // The versions compared: those the trail tracks, and every version in a governed stage.
    const verdicts = new Map<string, DriftVerdict>();
    let compared = 0;
    for (const [version, stage] of actual) {
      if (!replay.expected.has(version) && (stage === null || !this.governed.has(stage))) continue;
      compared += 1;
      const verdict = judgeVersion(replay, version, stage, this.governed);
      if (verdict !== null) verdicts.set(version, verdict);
    }
    const now = this.#clock();
    const outcome = await this.store.transaction(async (tx) => {
      const current = fingerprint(await tx.workflow.listRequestsForModel(m.backendId, m.model), await tx.deployments.listComponentActivations(m.backendId, m.model));
      if (current !== fingerprint(requests, activations)) return undefined;
      return this.#record(tx, m, { replay, requests, verdicts, actual }, now, ctx);
    });
    if (outcome === undefined) return undefined;
    return { backendId: m.backendId, model: m.model, ...outcome, checkedVersions: compared, skipped: null };
  }

  /**
   * The backend's stage of every version of the model (one listing), and of each tracked version
   * the listing did not return (read one by one; null: it does not exist there).
   */
  async #readStages(adapter: ResilientAdapter, model: string, tracked: string[], ctx: CallContext): Promise<Map<string, Stage | null>> {
    const out = new Map<string, Stage | null>();
    let after: string | undefined;
    try {
      for (;;) {
        const page = await this.catalog.listVersions(adapter.info.id, model, { first: this.#pageSize, ...(after === undefined ? {} : { after }) }, ctx);
        for (const edge of page.edges) out.set(edge.item.version, edge.item.stage);
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
    } catch (err) {
      // The whole model is gone: every tracked version with it.
      if (!isNotFound(err)) throw err;
      for (const v of tracked) out.set(v, null);
      return out;
    }
    for (const v of tracked) {
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
    m: ModelRef,
    seen: { replay: TrailReplay; requests: readonly PromotionRequestRecord[]; verdicts: ReadonlyMap<string, DriftVerdict>; actual: ReadonlyMap<string, Stage | null> },
    now: Date,
    ctx: CallContext,
  ): Promise<{ drifts: DriftEntry[]; detected: DriftEntry[]; resolved: DriftEntry[] }> {
    const { replay, verdicts, actual } = seen;
    const environmentOfRequest = new Map(seen.requests.map((r) => [r.id, r.environment]));
    const detected: DriftEntry[] = [];
    const resolved: DriftEntry[] = [];
    const still = new Map<string, DriftObservationRecord>();
    for (const o of await tx.workflow.listOpenDrifts(m.backendId, m.model)) {
      const v = verdicts.get(o.version);
      if (v !== undefined && v.kind === o.kind && storedExpected(v) === o.expectedStage && v.backendStage === o.actualStage && !still.has(o.version)) {
        still.set(o.version, o);
        continue;
      }
      await tx.workflow.resolveDriftObservation(o.id, now);
      resolved.push(entryOf(o));
      // Replaced by a different drift of the same version: the new event says so.
      if (v !== undefined) continue;
      const a = actual.get(o.version) ?? null;
      const e = replay.expected.get(o.version);
      const environment =
        o.kind === "UNAPPROVED_IN_STAGE" ? environmentOfStage(this.#environments, o.actualStage) : e === undefined ? undefined : environmentOfRequest.get(e.requestId);
      await tx.appendAudit(
        this.#event(ctx, m, o.version, DRIFT_RESOLVED, {
          before: { stage: o.actualStage },
          after: { stage: a, expected: e?.stage ?? null, ...(environment === undefined ? {} : { environment }) },
          reason: this.#resolvedReason(o, replay, a),
        }),
      );
    }
    for (const [version, v] of verdicts) {
      if (still.has(version)) continue;
      const environment =
        v.kind === "UNAPPROVED_IN_STAGE" ? environmentOfStage(this.#environments, v.unapprovedIn) : v.requestId === null ? undefined : environmentOfRequest.get(v.requestId);
      const event = await tx.appendAudit(
        this.#event(ctx, m, version, v.kind, {
          before: { stage: v.trailStage, requestId: v.requestId },
          after: { stage: v.backendStage, ...(environment === undefined ? {} : { environment }) },
          reason: describeVerdict(v, version),
        }),
      );
      const record: DriftObservationRecord = {
        id: randomUUID(),
        kind: v.kind,
        backendId: m.backendId,
        modelName: m.model,
        version,
        expectedStage: storedExpected(v),
        actualStage: v.backendStage,
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

  #resolvedReason(o: DriftObservationRecord, replay: TrailReplay, actual: Stage | null): string {
    if (o.kind === "UNAPPROVED_IN_STAGE") {
      if (actual === null) return `${o.version} no longer exists in the backend`;
      if (replay.last.get(o.version)?.stage === actual) return `the promotion trail approved ${o.version} into ${actual}`;
      return `${o.version} is no longer in ${o.actualStage} (now ${actual})`;
    }
    const e = replay.expected.get(o.version);
    return e === undefined
      ? `the promotion trail no longer says which stage ${o.version} is in (a later promotion superseded it)`
      : `back in ${e.stage}, as the promotion trail says`;
  }

  #event(ctx: CallContext, m: ModelRef, version: string, action: string, rest: Pick<AuditEventInput, "before" | "after" | "reason">): AuditEventInput {
    return {
      actor: DRIFT_ACTOR,
      action,
      targetType: "model_version",
      target: `${m.backendId}/${m.model}@${version}`,
      backendId: m.backendId,
      modelName: m.model,
      ...rest,
      outcome: "SUCCESS",
      ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
    };
  }
}
