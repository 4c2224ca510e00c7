/**
 * Runs the deprecation policy on a schedule (`policies.deprecation.schedule.everyMinutes`), on the
 * leader only (src/app/gateway.ts starts it with the other background work): every interval it plans
 * and applies as the system principal `modelgate:lifecycle`, one pass at a time. A plan that passes
 * a maxArchiveShare is never confirmed here: the apply records a `lifecycle.stop` audit event and
 * the pass ends, until someone applies it with confirmation or the registry changes.
 */
import { createCallContext, isRegistryError, systemActor, type Logger } from "../../core/index.js";
import type { DeprecationApplyReport, DeprecationService } from "./deprecation-service.js";

export const LIFECYCLE_ACTOR = systemActor("lifecycle", "modelgate's deprecation policy (policies.deprecation)");

export interface DeprecationSchedulerOptions {
  /** Time between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Deadline of one pass, backend calls included (default: the interval, at least 60 s). */
  passTimeoutMs?: number;
}

export class DeprecationScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;
  #controller = new AbortController();

  constructor(
    private readonly service: DeprecationService,
    private readonly logger: Pick<Logger, "info" | "warn" | "error">,
    private readonly opts: DeprecationSchedulerOptions,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.runOnce().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.opts.intervalMs);
    this.#timer.unref();
  }

  /** One pass: plan and apply; never throws (a failed pass is logged and the next one tries again). */
  async runOnce(): Promise<DeprecationApplyReport | undefined> {
    const ctx = createCallContext({
      timeoutMs: this.opts.passTimeoutMs ?? Math.max(this.opts.intervalMs, 60_000),
      actor: LIFECYCLE_ACTOR,
      signal: this.#controller.signal,
    });
    try {
      const report = await this.service.apply({}, ctx);
      const counts: Record<string, number> = {};
      for (const r of report.results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      this.logger.info({ toArchive: report.plan.toArchive, outcomes: counts }, "deprecation policy pass done");
      for (const r of report.results.filter((x) => x.outcome === "FAILED")) {
        this.logger.warn({ version: `${r.candidate.backendId}/${r.candidate.modelName}@${r.candidate.version}`, error: r.message }, "deprecation policy could not request an archive");
      }
      return report;
    } catch (err) {
      if (this.#stopped) return undefined;
      if (isRegistryError(err) && err.code === "CONFLICT") {
        this.logger.warn({ error: err.message }, "deprecation policy stopped: the plan passes its share and needs a confirmed apply");
      } else {
        this.logger.error({ err }, "deprecation policy pass failed; the next pass tries again");
      }
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller.abort();
    await this.#running;
  }
}
