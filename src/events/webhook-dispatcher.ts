/**
 * Delivers registry events to webhook targets: signed JSON POSTs, in audit order per target, with
 * retries and backoff, every attempt logged in the store.
 *
 * The audit trail is the event log. Per target the store keeps a cursor (the last audit seq turned
 * into deliveries); the dispatcher reads the trail after it (woken by `store.onAuditAppended`, and
 * by a slow poll since wake-ups may be lost across replicas), records one delivery per matching
 * event (idempotent: unique per target, event and copy) and moves the cursor in the same
 * transaction. It then sends the target's deliveries strictly in order: the next waits until the
 * previous one succeeded or was given up (after `maxAttempts`, exponential backoff with jitter
 * between attempts, capped at `maxBackoffMs`). A receiver that was down gets every event, in order,
 * once it answers again.
 *
 * Only one dispatcher works on a target at a time, in this process or any other on the same
 * database: it first takes the target's lease (a conditional UPDATE in the store), renews it before
 * each attempt, and records an attempt only while it still holds it. The lease outlives the fetch
 * timeout, so a delivery is never in flight from two dispatchers at once.
 *
 * Every POST goes through ./webhook-transport.ts: the target's host must resolve to public
 * addresses (or ones `webhookEgress.allowPrivateTargets` allows), checked in the connection's own
 * lookup so DNS rebinding cannot slip a private address in; redirects are not followed.
 */
import { randomUUID } from "node:crypto";
import { encodeAuditCursor } from "../store/audit-cursor.js";
import type { AuditEvent, Store } from "../store/store.js";
import type { WebhookAttemptResult, WebhookDeliveryRecord, WebhookTargetRecord } from "../store/webhook-store.js";
import { matchesFilter, toRegistryEvent, type RegistryEventFilter, type RegistryEventType } from "./registry-event.js";
import { signatureHeader } from "../client/webhook-signature.js";
import { TargetGuard, WebhookTransport, type WebhookEgressOptions } from "./webhook-transport.js";
import { exponentialDelay, proportionalJitter, type Logger } from "../core/index.js";

export interface WebhookDispatcherOptions {
  /** Safety-net poll for new events and due retries, ms (default 5 000). */
  pollMs?: number;
  /**
   * Backoff before attempt n+1 is about baseBackoffMs * 2^(n-1), with jitter (default 5 000: with
   * the other defaults a delivery is retried for about 30 minutes before it is given up).
   */
  baseBackoffMs?: number;
  /** Upper bound of one backoff, ms (default 600 000: ten minutes). */
  maxBackoffMs?: number;
  /** Attempts before a delivery is given up (default 10). */
  maxAttempts?: number;
  /** Timeout of one POST, ms (default 10 000). */
  fetchTimeoutMs?: number;
  /** How long a dispatcher owns a target after taking or renewing its lease (default max(60 s, 3 × fetch timeout)). */
  leaseMs?: number;
  /** Audit events read per page (default 100). */
  pageSize?: number;
  clock?: () => Date;
  /** Which non-public addresses targets may use (default: none) and, for tests, the resolver. */
  egress?: WebhookEgressOptions;
}

/** The JSON body of every delivery. */
export interface WebhookPayload {
  /** The delivery id (also in Modelgate-Delivery). A redelivery has a new one; `event.id` stays. */
  deliveryId: string;
  targetId: string;
  /** The registry event plus the audit outcome ("SUCCESS" | "FAILURE") and error. */
  event: Record<string, unknown>;
}

export const WEBHOOK_USER_AGENT = "modelgate-webhooks/1";

/** The registry event filter of a target. */
export function targetFilter(target: Pick<WebhookTargetRecord, "events" | "filter">): RegistryEventFilter {
  return {
    ...(target.events.length === 0 ? {} : { types: target.events as RegistryEventType[] }),
    ...target.filter,
  };
}

/** The event JSON stored with a delivery: the registry event, its outcome and error. */
export function deliveryEventJson(event: AuditEvent): string {
  return JSON.stringify({
    ...toRegistryEvent(event),
    outcome: event.outcome,
    ...(event.error === undefined ? {} : { error: event.error }),
  });
}

/** The exact body sent for a delivery (the same bytes on every attempt). */
export function deliveryBody(delivery: Pick<WebhookDeliveryRecord, "id" | "targetId" | "eventJson">): string {
  return `{"deliveryId":${JSON.stringify(delivery.id)},"targetId":${JSON.stringify(delivery.targetId)},"event":${delivery.eventJson}}`;
}

/** Backoff before the attempt after `attempts` failed ones: exponential, capped, with ±20 % jitter. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.min(maxMs, proportionalJitter(exponentialDelay(attempts, { initialDelay: baseMs, maxDelay: maxMs }), 0.2, random));
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    if (err.name === "TimeoutError") return "timed out";
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

export class WebhookDispatcher {
  readonly #pollMs: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxAttempts: number;
  readonly #fetchTimeoutMs: number;
  readonly #leaseMs: number;
  readonly #pageSize: number;
  readonly #clock: () => Date;
  readonly #transport: WebhookTransport;
  /** This dispatcher's lease owner id. */
  readonly id = `dispatcher-${randomUUID()}`;
  readonly #runners = new Map<string, TargetRunner>();
  readonly #controller = new AbortController();
  #stopped = true;
  #pollTimer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Pick<Logger, "info" | "warn" | "error">,
    opts: WebhookDispatcherOptions = {},
  ) {
    this.#pollMs = opts.pollMs ?? 5_000;
    this.#baseBackoffMs = opts.baseBackoffMs ?? 5_000;
    this.#maxBackoffMs = opts.maxBackoffMs ?? 600_000;
    this.#maxAttempts = opts.maxAttempts ?? 10;
    this.#fetchTimeoutMs = opts.fetchTimeoutMs ?? 10_000;
    this.#leaseMs = opts.leaseMs ?? Math.max(60_000, 3 * this.#fetchTimeoutMs);
    this.#pageSize = opts.pageSize ?? 100;
    this.#clock = opts.clock ?? (() => new Date());
    if (this.#leaseMs <= this.#fetchTimeoutMs) throw new Error("leaseMs must be longer than fetchTimeoutMs");
    this.#transport = new WebhookTransport(new TargetGuard(opts.egress), this.#fetchTimeoutMs);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.store.onAuditAppended(() => this.kick());
    this.#poll();
  }

  /** Looks at every target now: new events, due retries, targets added or removed. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#refreshing !== undefined) {
      this.#refreshAgain = true;
      return;
    }
    this.#refreshing = this.#refresh()
      .catch((err: unknown) => this.logger.error({ err }, "webhook dispatcher could not list targets; retrying on the next poll"))
      .finally(() => {
        this.#refreshing = undefined;
        if (this.#refreshAgain) {
          this.#refreshAgain = false;
          this.kick();
        }
      });
  }

  #poll(): void {
    if (this.#stopped) return;
    this.kick();
    this.#pollTimer = setTimeout(() => this.#poll(), this.#pollMs);
    this.#pollTimer.unref();
  }

  async #refresh(): Promise<void> {
    const targets = await this.store.webhooks.listTargets();
    if (this.#stopped) return;
    const ids = new Set(targets.map((t) => t.id));
    for (const [id, runner] of this.#runners) {
      if (!ids.has(id)) {
        void runner.stop();
        this.#runners.delete(id);
      }
    }
    for (const t of targets) {
      let runner = this.#runners.get(t.id);
      if (runner === undefined) {
        runner = new TargetRunner(t.id, (id) => this.#work(id), this.logger);
        this.#runners.set(t.id, runner);
      }
      runner.kick();
    }
  }

  /** Stops polling, aborts requests in flight (their attempts are not recorded) and waits for the runners. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    this.#controller.abort();
    await this.#refreshing;
    await Promise.all([...this.#runners.values()].map((r) => r.stop()));
    this.#runners.clear();
    this.#transport.close();
  }

  /**
   * One pass over a target while holding its lease: enqueue new events, send due deliveries in
   * order. Returns the ms until the head delivery's next attempt is due, or undefined when there is
   * nothing to wait for (new events or the poll wake it).
   */
  async #work(targetId: string): Promise<number | undefined> {
    const lease = () => {
      const now = this.#clock();
      return this.store.webhooks.acquireLease(targetId, this.id, now, new Date(now.getTime() + this.#leaseMs));
    };
    if (this.#stopped || !(await lease())) return undefined;
    try {
      for (;;) {
        if (this.#stopped) return undefined;
        const target = await this.store.webhooks.getTarget(targetId);
        if (target === undefined) return undefined;
        if (!(await this.#enqueue(target))) return undefined;
        const head = await this.store.webhooks.headDelivery(targetId);
        if (head === undefined) return undefined;
        const wait = (head.nextAttemptAt?.getTime() ?? 0) - this.#clock().getTime();
        if (wait > 0) return wait;
        if (this.#stopped || !(await lease())) return undefined;
        const recorded = await this.#attempt(target, head);
        if (!recorded) return undefined;
      }
    } finally {
      await this.store.webhooks.releaseLease(targetId, this.id).catch((err: unknown) => {
        this.logger.warn({ err, targetId }, "could not release a webhook target lease (it expires by itself)");
      });
    }
  }

  /** Turns the audit events after the target's cursor into deliveries. False when the lease was lost. */
  async #enqueue(target: WebhookTargetRecord): Promise<boolean> {
    const filter = targetFilter(target);
    let cursor = target.cursorSeq;
    for (;;) {
      const page = await this.store.listAudit({
        first: this.#pageSize,
        order: "asc",
        ...(cursor > 0 ? { after: encodeAuditCursor(cursor, "asc") } : {}),
      });
      if (page.items.length === 0) return true;
      const last = page.items.at(-1)!.seq;
      const deliveries = page.items
        .filter((e) => matchesFilter(toRegistryEvent(e), filter))
        .map((e) => ({ eventSeq: e.seq, eventId: e.id, eventType: toRegistryEvent(e).type, eventJson: deliveryEventJson(e) }));
      const moved = await this.store.webhooks.enqueueDeliveries(target.id, this.id, cursor, last, deliveries, this.#clock());
      if (!moved) return false;
      cursor = last;
      if (page.nextCursor === undefined) return true;
    }
  }

  /** Sends one delivery and records the attempt. False when it could not be recorded (lease lost, stopping). */
  async #attempt(target: WebhookTargetRecord, delivery: WebhookDeliveryRecord): Promise<boolean> {
    const body = deliveryBody(delivery);
    const at = this.#clock();
    const timestamp = Math.floor(at.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | undefined;
    let error: string | undefined;
    try {
      const headers = {
        "content-type": "application/json",
        "user-agent": WEBHOOK_USER_AGENT,
        "modelgate-delivery": delivery.id,
        "modelgate-timestamp": String(timestamp),
        "modelgate-event": delivery.eventType,
        "modelgate-signature": await signatureHeader(target.secret, timestamp, delivery.id, body),
      };
      // Redirects are not followed: a 3xx is a failed attempt.
      const res = await this.#transport.post(target.url, headers, body, this.#controller.signal);
      statusCode = res.status;
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (err) {
      if (this.#stopped) return false;
      error = describe(err);
    }
    const durationMs = performance.now() - started;
    const success = error === undefined;
    const roundAttempts = delivery.roundAttempts + 1;
    const giveUp = !success && roundAttempts >= this.#maxAttempts;
    const result: WebhookAttemptResult = {
      attempt: {
        at,
        durationMs,
        success,
        ...(statusCode === undefined ? {} : { statusCode }),
        ...(error === undefined ? {} : { error }),
      },
      status: success ? "SUCCEEDED" : giveUp ? "FAILED" : "PENDING",
      ...(success || giveUp
        ? {}
        : { nextAttemptAt: new Date(this.#clock().getTime() + backoffMs(roundAttempts, this.#baseBackoffMs, this.#maxBackoffMs)) }),
    };
    const recorded = await this.store.webhooks.recordAttempt(delivery.id, this.id, result);
    if (recorded === undefined) return false;
    if (!success) {
      this.logger[giveUp ? "error" : "warn"](
        { targetId: target.id, deliveryId: delivery.id, eventSeq: delivery.eventSeq, attempt: recorded.attemptCount, error },
        giveUp ? "webhook delivery given up" : "webhook delivery failed; will retry",
      );
    }
    return true;
  }
}

/** Runs a target's passes one at a time, re-running when kicked meanwhile, and waking for retries. */
class TargetRunner {
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly targetId: string,
    private readonly work: (targetId: string) => Promise<number | undefined>,
    private readonly logger: Pick<Logger, "info" | "warn" | "error">,
  ) {}

  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    let wait: number | undefined;
    this.#running = this.work(this.targetId)
      .then((ms) => {
        wait = ms;
      })
      .catch((err: unknown) => this.logger.error({ err, targetId: this.targetId }, "webhook dispatch pass failed; retrying on the next poll"))
      .finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.kick();
        } else if (wait !== undefined) {
          this.#timer = setTimeout(() => this.kick(), Math.max(1, wait));
          this.#timer.unref();
        }
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}

const specOf = (t: WebhookTargetRecord) => ({ url: t.url, secret: t.secret, events: t.events, filter: t.filter });

/**
 * Makes the store's config-owned targets what `modelgate.yaml` says: creates the missing ones
 * (their cursor starts at the trail's head), updates the others (an API-owned target of the same id
 * becomes config-owned: config wins) and removes config-owned targets no longer in the config.
 */
export async function syncConfigTargets(
  store: Store,
  targets: readonly { id: string; url: string; secret: string; events: string[]; filter: { backend?: string | undefined; model?: string | undefined; environment?: string | undefined } }[],
  at: Date,
): Promise<void> {
  await store.transaction(async (tx) => {
    const existing = new Map((await tx.webhooks.listTargets()).map((t) => [t.id, t]));
    for (const t of targets) {
      const spec = {
        url: t.url,
        secret: t.secret,
        events: [...t.events],
        filter: {
          ...(t.filter.backend === undefined ? {} : { backendId: t.filter.backend }),
          ...(t.filter.model === undefined ? {} : { modelName: t.filter.model }),
          ...(t.filter.environment === undefined ? {} : { environment: t.filter.environment }),
        },
      };
      const current = existing.get(t.id);
      if (current === undefined) await tx.webhooks.createTarget({ id: t.id, ...spec }, "CONFIG", "modelgate:config", at);
      else if (current.owner !== "CONFIG" || JSON.stringify(specOf(current)) !== JSON.stringify(spec)) {
        await tx.webhooks.updateTarget(t.id, { ...spec, owner: "CONFIG" }, at);
      }
    }
    const configured = new Set(targets.map((t) => t.id));
    for (const t of existing.values()) {
      if (t.owner === "CONFIG" && !configured.has(t.id)) await tx.webhooks.deleteTarget(t.id);
    }
  });
}
