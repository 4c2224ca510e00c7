/**
 * The leader's guarded-rollout loop: every `pollMs` it runs one pass of RolloutService.tick (judge
 * each RUNNING rollout's step on its evidence and act). Started and stopped with the rest of the
 * background work when this process gains or loses the leadership (../../app/gateway.ts).
 */
import type { RolloutLogger, RolloutService } from "./rollouts.js";

export interface RolloutRunnerOptions {
  /** Time between the end of one pass and the start of the next (default 5000 ms). */
  pollMs?: number;
}

export class RolloutRunner {
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(
    private readonly rollouts: RolloutService,
    private readonly logger: RolloutLogger & { error(obj: object, msg?: string): void },
    opts: RolloutRunnerOptions = {},
  ) {
    this.#pollMs = opts.pollMs ?? 5_000;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.rollouts
        .tick(this.logger)
        .catch((err: unknown) => this.logger.error({ err }, "guarded rollout pass failed; retrying on the next one"))
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.#pollMs);
        });
    }, ms);
    this.#timer.unref();
  }

  /** Stops after the pass under way (its writes are each one transaction: nothing is left half-done). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
