/**
 * Runs the drift check of one model at once when a push source says it changed (an MLflow webhook),
 * instead of waiting for the next background pass. Checks of one model never overlap: a change
 * arriving while its check runs makes one more check after it (a burst of deliveries costs at most
 * two). The background poller stays the safety net for deliveries that never come.
 */
import { createCallContext } from "../../../core/index.js";
import type { DriftChecker } from "../../../workflow/drift.js";
import type { Logger } from "../../../logging.js";

export const WEBHOOK_DRIFT_ACTOR = "modelgate:mlflow-webhook";
const CHECK_TIMEOUT_MS = 30_000;

interface Slot {
  running: Promise<void>;
  again: boolean;
}

export class DriftTrigger {
  readonly #slots = new Map<string, Slot>();
  readonly #abort = new AbortController();

  constructor(
    private readonly drift: DriftChecker,
    private readonly logger: Logger,
  ) {}

  /** Schedules a check of `model`; returns at once. */
  check(backendId: string, model: string, requestId?: string): void {
    if (this.#abort.signal.aborted) return;
    const key = `${backendId}\u0000${model}`;
    const slot = this.#slots.get(key);
    if (slot !== undefined) {
      slot.again = true;
      return;
    }
    const fresh: Slot = { again: false, running: Promise.resolve() };
    const loop = async () => {
      // A check asked for while one ran must read the backend afresh: only the first run carries
      // the delivery's request id, since per-request caches (the MLflow adapter's registered
      // model, with its aliases) would otherwise hand the repeat what the first run saw.
      let runRequestId = requestId;
      do {
        fresh.again = false;
        await this.#run(backendId, model, runRequestId);
        runRequestId = undefined;
      } while (fresh.again && !this.#abort.signal.aborted);
      this.#slots.delete(key);
    };
    this.#slots.set(key, fresh);
    fresh.running = loop();
  }

  async #run(backendId: string, model: string, requestId: string | undefined): Promise<void> {
    const ctx = createCallContext({
      timeoutMs: CHECK_TIMEOUT_MS,
      actor: { id: WEBHOOK_DRIFT_ACTOR, displayName: "modelgate drift check (MLflow webhook)", roles: [] },
      signal: this.#abort.signal,
      ...(requestId === undefined ? {} : { requestId }),
    });
    try {
      const result = await this.drift.checkModel(backendId, model, ctx);
      for (const d of result.detected) {
        this.logger.warn(
          { backend: d.backendId, model: d.model, version: d.version, expectedStage: d.expectedStage, actualStage: d.actualStage, source: "mlflow-webhook" },
          "out-of-band change: the backend no longer matches the promotion trail",
        );
      }
    } catch (err) {
      if (!this.#abort.signal.aborted) this.logger.warn({ err, backend: backendId, model }, "drift check after an MLflow webhook failed; the background check will retry");
    }
  }

  /** Stops scheduling and waits for the checks under way (cancelled). */
  async close(): Promise<void> {
    this.#abort.abort(new Error("the gateway is shutting down"));
    await Promise.allSettled([...this.#slots.values()].map((s) => s.running));
  }
}
