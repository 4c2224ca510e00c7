/**
 * Registers the gateway's webhook in each configured MLflow server (`register: true`) when the
 * gateway starts: created, or brought up to date, by name (adapters/mlflow/webhooks.ts), so every
 * start and every replica may run it. An unreachable server is retried with backoff (up to a minute
 * between attempts) until it answers or the gateway stops; the poller covers the time until then.
 */
import { createCallContext, exponentialDelay } from "../../../core/index.js";
import type { MlflowWebhookConfig } from "../../../config/schema.js";
import type { Catalog } from "../../../catalog/catalog.js";
import type { Logger } from "../../../logging.js";

/** What the gateway subscribes to: every change that can move a version's stage in MLflow. */
export const WEBHOOK_EVENTS = ["model_version_alias.created", "model_version_alias.deleted", "model_version_tag.set", "model_version_tag.deleted"] as const;

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

export function webhookName(hook: MlflowWebhookConfig): string {
  return hook.name ?? `modelgate-${hook.backend}`;
}

export class WebhookRegistrations {
  readonly #abort = new AbortController();
  readonly #running: Promise<void>[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly logger: Logger,
  ) {}

  start(hooks: readonly MlflowWebhookConfig[]): void {
    for (const hook of hooks) if (hook.register && hook.url !== undefined) this.#running.push(this.#register(hook, hook.url));
  }

  async #register(hook: MlflowWebhookConfig, url: string): Promise<void> {
    const inner = this.catalog.has(hook.backend) ? this.catalog.backend(hook.backend).inner : undefined;
    // Loaded only when a hook registers: a gateway without MLflow backends does not carry the
    // adapter and axios (about 8 MiB of heap; docs/performance.md, memory).
    const { MlflowAdapter } = await import("../../../../adapters/mlflow/adapter.js");
    if (!(inner instanceof MlflowAdapter)) {
      this.logger.error({ backend: hook.backend }, "cannot register an MLflow webhook: the backend is not an MLflow backend");
      return;
    }
    const signal = this.#abort.signal;
    for (let retry = 1; !signal.aborted; retry++) {
      const delay = exponentialDelay(retry, { initialDelay: FIRST_RETRY_MS, maxDelay: MAX_RETRY_MS });
      try {
        const ctx = createCallContext({ timeoutMs: 15_000, actor: { id: "modelgate", roles: [] }, signal });
        await inner.ensureWebhook({ name: webhookName(hook), url, secret: hook.secret, events: WEBHOOK_EVENTS, description: "modelgate: out-of-band changes, checked for drift at once" }, ctx);
        return;
      } catch (err) {
        if (signal.aborted) return;
        this.logger.warn({ err, backend: hook.backend, retryInMs: delay }, "could not register the MLflow webhook; retrying (drift is still caught by the background check)");
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        timer.unref();
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled(this.#running);
  }
}
