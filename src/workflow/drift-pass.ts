/**
 * A drift pass: every model worth checking (those the trail tracks, and those that may hold a version
 * in a governed stage: ./drift-discovery.ts), each checked with its own deadline, a bounded number at
 * once. A slow or hanging model fails alone; it never eats the others' time.
 *
 * A pass starts no model after its budget (`passTimeoutMs`) has passed, but always starts at least
 * one, so every pass makes progress. The models it did not reach are where the next pass resumes: the
 * cursor walks the sorted list of models round-robin, so a list longer than one pass can check is
 * covered across passes instead of starving its tail. The cursor and the passes' progress are kept in
 * memory by the process that runs them (the leader): after a restart or a hand-over the next pass
 * starts at the first model.
 */
import { ConflictError, DeadlineExceededError, Semaphore, createCallContext, describeError, type CallContext, type Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { Store } from "../store/store.js";
import { candidateModels } from "./drift-discovery.js";
import { DRIFT_ACTOR, type DriftCheckFailure, type ModelDriftResult, type ModelRef } from "./drift-types.js";

export const DRIFT_PASS_DEFAULTS = { concurrency: 4, modelTimeoutMs: 30_000, passTimeoutMs: 300_000 } as const;

/** At most this many failures are kept per pass (the count is exact). */
const MAX_KEPT_FAILURES = 100;

export interface DriftPassOptions {
  /** Models checked at once (default 4). */
  concurrency?: number;
  /** Deadline of each model's check, backend calls included (default 30 s); also of each backend's model listing. */
  modelTimeoutMs?: number;
  /** No model starts once this has passed since the pass started, except the first (default 300 s). */
  passTimeoutMs?: number;
  /** Stops the pass: models under way are cancelled, the rest not started. */
  signal?: AbortSignal;
}

export interface DriftPassProgress {
  startedAt: Date;
  /** null while the pass runs. */
  finishedAt: Date | null;
  /** Models the pass meant to check. */
  modelsTotal: number;
  /** Models whose check ended (compared, or skipped because a promotion of it was being applied). */
  modelsChecked: number;
  /** Models whose check failed (backend error, its deadline). */
  modelsFailed: number;
  /** Why the pass did not reach every model; null when it did (or while it runs). */
  unfinishedReason: string | null;
  /** The first failures (at most 100). */
  failures: DriftCheckFailure[];
  /** Backends whose models could not be listed: only the models the trail tracks were checked there. */
  backendFailures: { backendId: string; error: string }[];
}

export interface DriftPassReport extends DriftPassProgress {
  results: ModelDriftResult[];
  /** Where the next pass starts; null: at the first model. */
  resumeAt: ModelRef | null;
}

export interface DriftStatus {
  /** Whether this process runs the background poller now. */
  polling: boolean;
  current: DriftPassProgress | null;
  last: DriftPassProgress | null;
  /** Where the next pass starts (after an unfinished one); null: at the first model. */
  resumeAt: ModelRef | null;
}

/** What a pass needs of the checker: one model's check. */
export interface ModelChecker {
  checkModel(backendId: string, model: string, ctx: CallContext): Promise<ModelDriftResult>;
}


const keyOf = (m: ModelRef): string => `${m.backendId}\u0000${m.model}`;
const copy = (p: DriftPassProgress | null): DriftPassProgress | null =>
  p === null ? null : { ...p, failures: [...p.failures], backendFailures: [...p.backendFailures] };

export class DriftPasses {
  #cursor: ModelRef | null = null;
  #current: DriftPassProgress | null = null;
  #last: DriftPassProgress | null = null;
  #polling = false;

  constructor(
    private readonly checker: ModelChecker,
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly governed: ReadonlySet<Stage>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The poller says whether it runs in this process. */
  setPolling(on: boolean): void {
    this.#polling = on;
  }

  status(): DriftStatus {
    return { polling: this.#polling, current: copy(this.#current), last: copy(this.#last), resumeAt: this.#cursor === null ? null : { ...this.#cursor } };
  }

  /** One pass over every model worth checking, resuming where the last unfinished one stopped. */
  async run(opts: DriftPassOptions = {}): Promise<DriftPassReport> {
    if (this.#current !== null) throw new ConflictError("a drift pass is already running in this process");
    const concurrency = opts.concurrency ?? DRIFT_PASS_DEFAULTS.concurrency;
    const modelTimeoutMs = opts.modelTimeoutMs ?? DRIFT_PASS_DEFAULTS.modelTimeoutMs;
    const passDeadline = Date.now() + (opts.passTimeoutMs ?? DRIFT_PASS_DEFAULTS.passTimeoutMs);
    const stop = opts.signal ?? new AbortController().signal;
    const progress: DriftPassProgress = {
      startedAt: this.clock(),
      finishedAt: null,
      modelsTotal: 0,
      modelsChecked: 0,
      modelsFailed: 0,
      unfinishedReason: null,
      failures: [],
      backendFailures: [],
    };
    this.#current = progress;
    const results: ModelDriftResult[] = [];
    const fail = (m: ModelRef, error: string) => {
      progress.modelsFailed += 1;
      if (progress.failures.length < MAX_KEPT_FAILURES) progress.failures.push({ ...m, error });
    };
    try {
      const order = this.#rotated(await this.#models(progress, stop, modelTimeoutMs));
      progress.modelsTotal = order.length;
      const reached = order.map(() => false);
      const limit = new Semaphore(Math.max(1, concurrency));
      const stopped = () => new DeadlineExceededError("the drift pass was stopped");
      await Promise.all(
        order.map((m, i) =>
          limit
            .run(
              async () => {
                if (stop.aborted || (i > 0 && Date.now() >= passDeadline)) return;
                reached[i] = true;
                if (!this.catalog.has(m.backendId)) {
                  fail(m, `backend "${m.backendId}" is no longer configured`);
                  return;
                }
                const ctx = this.#context(modelTimeoutMs, stop);
                try {
                  results.push(await this.checker.checkModel(m.backendId, m.model, ctx));
                  progress.modelsChecked += 1;
                } catch (err) {
                  // Cancelled by a stop: not checked, the next pass starts here again.
                  if (stop.aborted) reached[i] = false;
                  else fail(m, describeError(err));
                }
              },
              stop,
              stopped,
            )
            .catch(() => undefined),
        ),
      );
      const next = reached.indexOf(false);
      const resumeAt = next < 0 ? null : order[next]!;
      this.#cursor = resumeAt;
      if (resumeAt !== null) {
        const done = progress.modelsChecked + progress.modelsFailed;
        const where = `${resumeAt.backendId}/${resumeAt.model}`;
        progress.unfinishedReason = stop.aborted
          ? `the pass was stopped (shutdown or hand-over) after ${done} of ${order.length} models; the next pass resumes at ${where}`
          : `the pass used its time budget (drift.passTimeoutSeconds) after ${done} of ${order.length} models; the next pass resumes at ${where}`;
      }
      progress.finishedAt = this.clock();
      return { ...progress, results, resumeAt };
    } finally {
      if (progress.finishedAt === null) {
        progress.finishedAt = this.clock();
        progress.unfinishedReason ??= "the pass could not list the models to check";
      }
      this.#last = progress;
      this.#current = null;
    }
  }

  #context(timeoutMs: number, stop: AbortSignal): CallContext {
    return createCallContext({ timeoutMs, actor: { id: DRIFT_ACTOR, displayName: "modelgate drift check", roles: [] }, signal: stop });
  }

  /** Tracked models and every backend's candidates, deduplicated and sorted by backend then model. */
  async #models(progress: DriftPassProgress, stop: AbortSignal, timeoutMs: number): Promise<ModelRef[]> {
    const all = new Map<string, ModelRef>();
    for (const t of await this.store.workflow.listTrackedModels()) all.set(keyOf({ backendId: t.backendId, model: t.modelName }), { backendId: t.backendId, model: t.modelName });
    const listed = await Promise.all(
      this.catalog.backendIds().map(async (backendId) => {
        try {
          return (await candidateModels(this.catalog, backendId, this.governed, this.#context(timeoutMs, stop))).map((model) => ({ backendId, model }));
        } catch (err) {
          progress.backendFailures.push({ backendId, error: describeError(err) });
          return [];
        }
      }),
    );
    for (const m of listed.flat()) all.set(keyOf(m), m);
    return [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
  }

  /** The models in order, starting at the cursor (or the first model after it, should it be gone). */
  #rotated(models: ModelRef[]): ModelRef[] {
    if (this.#cursor === null) return models;
    const at = keyOf(this.#cursor);
    const start = models.findIndex((m) => keyOf(m) >= at);
    return start <= 0 ? models : [...models.slice(start), ...models.slice(0, start)];
  }
}
