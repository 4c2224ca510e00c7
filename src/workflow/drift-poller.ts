/** Runs drift passes (./drift-pass.ts) in the background, one at a time, the first one interval after start, and logs what they found. */
import type { DriftPasses } from "./drift-pass.js";
import type { Logger } from "../core/index.js";

export interface DriftPollerOptions {
  /** Time between the end of one pass and the start of the next. */
  intervalMs: number;
  /** No model starts once a pass has run this long (it resumes there next time); default: the interval, at least 10 s. */
  passTimeoutMs?: number;
  /** Deadline of each model's check (default 30 s). */
  modelTimeoutMs?: number;
  /** Models checked at once (default 4). */
  concurrency?: number;
}

export class DriftPoller {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  readonly #controller = new AbortController();

  constructor(
    private readonly passes: DriftPasses,
    private readonly logger: Pick<Logger, "info" | "warn" | "error">,
    private readonly opts: DriftPollerOptions,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.passes.setPolling(true);
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
    try {
      const report = await this.passes.run({
        passTimeoutMs: this.opts.passTimeoutMs ?? Math.max(this.opts.intervalMs, 10_000),
        ...(this.opts.modelTimeoutMs === undefined ? {} : { modelTimeoutMs: this.opts.modelTimeoutMs }),
        ...(this.opts.concurrency === undefined ? {} : { concurrency: this.opts.concurrency }),
        signal: this.#controller.signal,
      });
      for (const r of report.results) {
        for (const d of r.detected) {
          this.logger.warn(
            { backend: d.backendId, model: d.model, version: d.version, kind: d.kind, expectedStage: d.expectedStage, actualStage: d.actualStage },
            d.kind === "UNAPPROVED_IN_STAGE"
              ? "unapproved version in a governed stage: the promotion trail never approved it there"
              : "out-of-band change: the backend no longer matches the promotion trail",
          );
        }
        for (const d of r.resolved) this.logger.info({ backend: d.backendId, model: d.model, version: d.version, kind: d.kind }, "drift resolved");
      }
      if (this.#stopped) return;
      for (const f of report.backendFailures) {
        this.logger.warn({ backend: f.backendId, error: f.error }, "drift pass could not list a backend's models; only the models the trail tracks were checked there");
      }
      for (const f of report.failures) {
        this.logger.warn({ backend: f.backendId, model: f.model, error: f.error }, "drift check of a model failed; retrying on the next pass");
      }
      if (report.unfinishedReason !== null) {
        this.logger.warn(
          {
            modelsTotal: report.modelsTotal,
            modelsChecked: report.modelsChecked,
            modelsFailed: report.modelsFailed,
            resumeAt: report.resumeAt,
            startedAt: report.startedAt,
          },
          `drift pass did not finish: ${report.unfinishedReason}`,
        );
      }
    } catch (err) {
      if (!this.#stopped) this.logger.error({ err }, "drift check pass failed; retrying on the next pass");
    }
  }

  /** Stops polling for good; a pass under way is cancelled and waited for. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.passes.setPolling(false);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller.abort();
    await this.#running;
  }
}
