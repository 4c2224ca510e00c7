/**
 * Reads a model's promotion trail from the store and replays it (./trail-stages.ts), for the read
 * paths that judge what a backend reports (resolve, whatRunsInProduction, health). Answers for now
 * are cached per model and dropped whenever an audit event that may change them is appended (every
 * apply appends one in its transaction; evidence and bookkeeping do not drop them, ./trail-wakeups.ts;
 * on PostgreSQL other replicas' appends arrive by LISTEN/NOTIFY), with a TTL that
 * bounds staleness should a wake-up be lost: resolve stays one store-free lookup on the hot path.
 */
import type { Stage } from "../core/index.js";
import type { ComponentActivation } from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { DriftObservationRecord, PromotionRequestRecord } from "../store/workflow-store.js";
import { governedStages, replayTrail, type DeploymentApproval, type TrailReplay } from "./trail-stages.js";
import { mayChangeAnswers } from "./trail-wakeups.js";

/** How long a cached replay may be used without a wake-up having confirmed nothing changed. */
export const TRAIL_CACHE_TTL_MS = 5_000;
const TRAIL_CACHE_MAX = 10_000;

/**
 * Reads the requests of one model, the versions each apply demoted and the deployment activations
 * bundling its versions, and replays them; the trail as of `asOf` when given. Activations in an
 * environment no longer configured approve nothing.
 */
export async function readTrail(
  store: Store,
  environments: Readonly<Record<string, { stage: Stage }>>,
  backendId: string,
  modelName: string,
  asOf?: Date,
): Promise<{ requests: PromotionRequestRecord[]; activations: ComponentActivation[]; replay: TrailReplay }> {
  const by = (at: Date) => asOf === undefined || at.getTime() <= asOf.getTime();
  const requests = await store.workflow.listRequestsForModel(backendId, modelName);
  // A cross-registry copy moves no stage of its source version: it approves nothing here.
  const applied = requests.filter((r) => r.status === "APPLIED" && (r.copyTarget ?? null) === null && by(r.updatedAt));
  const demotedBy = new Map<string, string[]>();
  for (const r of applied) {
    const outbox = await store.workflow.getOutboxByRequest(r.id);
    if (outbox !== undefined) demotedBy.set(r.id, outbox.steps.demoted);
  }
  // A copy into this model approved the version it registered here, into the stage it landed in.
  for (const c of await store.workflow.listCopiesInto(`${backendId}/${modelName}`)) {
    const copied = (await store.workflow.getOutboxByRequest(c.id))?.steps.copiedVersion ?? null;
    if (copied === null || !by(c.updatedAt)) continue;
    applied.push({ ...c, backendId, modelName, version: copied, copyTarget: null });
    demotedBy.set(c.id, []);
  }
  applied.sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  const approvals: DeploymentApproval[] = [];
  const activations = await store.deployments.listComponentActivations(backendId, modelName);
  for (const a of activations) {
    const stage = environments[a.environment]?.stage;
    if (stage === undefined || !by(a.activatedAt)) continue;
    approvals.push({ version: a.version, stage: a.shadow ? "SHADOW" : stage, at: a.activatedAt, requestId: a.requestId });
  }
  return { requests, activations, replay: replayTrail(applied, demotedBy, approvals) };
}

export class TrailReader {
  readonly #cache = new Map<string, { replay: TrailReplay; at: number }>();
  #generation = 0;
  /** The stages the configured environments govern. */
  readonly governed: ReadonlySet<Stage>;

  constructor(
    private readonly store: Store,
    readonly environments: Readonly<Record<string, { stage: Stage }>>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.governed = governedStages(environments);
    store.onAuditAppended((_seq, actions) => {
      if (!mayChangeAnswers(actions)) return;
      this.#generation += 1;
      this.#cache.clear();
    });
  }

  /** The model's trail replayed (now: cached; asOf: read each time). */
  async replay(backendId: string, modelName: string, asOf?: Date): Promise<TrailReplay> {
    if (asOf !== undefined) return (await readTrail(this.store, this.environments, backendId, modelName, asOf)).replay;
    const key = JSON.stringify([backendId, modelName]);
    const hit = this.#cache.get(key);
    if (hit !== undefined && this.now() - hit.at < TRAIL_CACHE_TTL_MS) return hit.replay;
    const generation = this.#generation;
    const { replay } = await readTrail(this.store, this.environments, backendId, modelName);
    // An append committed while reading: the replay may predate it, so it is not kept.
    if (generation === this.#generation) {
      if (this.#cache.size >= TRAIL_CACHE_MAX) this.#cache.clear();
      this.#cache.set(key, { replay, at: this.now() });
    }
    return replay;
  }

  /** The open drift observation of one version of the given kind, if a drift check recorded one. */
  async observation(backendId: string, modelName: string, version: string, kind: DriftObservationRecord["kind"]): Promise<DriftObservationRecord | undefined> {
    return (await this.store.workflow.listOpenDrifts(backendId, modelName, version)).find((o) => o.kind === kind);
  }
}
