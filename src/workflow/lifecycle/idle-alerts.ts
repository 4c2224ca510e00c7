/**
 * IDLE_IN_PRODUCTION (docs/lifecycle.md#usage-and-idle-alerts): a version in a production
 * environment that nobody resolved or served for `lifecycle.idle.afterDays` raises an idle alert,
 * addressed to its model's owner (./owners.ts). The leader checks every
 * `lifecycle.idle.checkIntervalSeconds` (and prunes usage buckets past their retention).
 *
 * An alert is a row in idle_alerts plus an `idle.raise` audit event in the same transaction: the
 * event goes to webhooks and `registryEvents` subscriptions as type IDLE_IN_PRODUCTION. The row is
 * unique while open, so two replicas that both check record it once (the second one's transaction
 * rolls back). It closes, with an `idle.clear` event of the same type, when the version is used again
 * (a resolve or served report newer than the alert's last use), leaves the environment's stage, or
 * no longer counts as idle under the configured threshold.
 *
 * Idle since: the newest of its last use, the time the trail put it in the stage, and (for a version
 * put there outside the gateway and never used) the first check of this leader that saw it there.
 */
import { randomUUID } from "node:crypto";
import { ConflictError, createCallContext, systemActor, type CallContext } from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { IdleAlertRecord } from "../../store/lifecycle-store.js";
import type { Store } from "../../store/store.js";
import type { DeploymentState, RunningVersion } from "../deployment-state.js";
import type { ModelOwner, ModelOwners } from "./owners.js";

export const IDLE_RAISE_ACTION = "idle.raise";
export const IDLE_CLEAR_ACTION = "idle.clear";
const ACTOR = systemActor("lifecycle", "modelgate's idle check");
const DAY_MS = 86_400_000;

export interface IdleCheckResult {
  raised: IdleAlertRecord[];
  cleared: { alert: IdleAlertRecord; reason: string }[];
  /** Environments whose listing failed for some backend (their versions were neither raised nor cleared). */
  failedBackends: string[];
}

export interface IdleAlertsOptions {
  clock?: () => Date;
  /** Deadline of one check's backend reads. */
  timeoutMs?: number;
}

const keyOf = (r: { backendId: string; modelName: string; version: string }) => JSON.stringify([r.backendId, r.modelName, r.version]);

export class IdleAlerts {
  /** When this process first saw a version in an environment (for versions with no other start). */
  readonly #firstSeen = new Map<string, number>();
  readonly #clock: () => Date;
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly state: DeploymentState,
    private readonly owners: ModelOwners,
    opts: IdleAlertsOptions = {},
  ) {
    this.#clock = opts.clock ?? (() => new Date());
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /** The environments checked: lifecycle.idle.environments, else those whose stage is PRODUCTION. */
  environments(): string[] {
    return this.config.lifecycle.idle.environments ?? Object.entries(this.config.environments).filter(([, e]) => e.stage === "PRODUCTION").map(([name]) => name);
  }

  /** One pass over every checked environment: raises new alerts, clears those no longer idle, prunes old usage. */
  async check(): Promise<IdleCheckResult> {
    const ctx = createCallContext({ timeoutMs: this.#timeoutMs, actor: ACTOR });
    const result: IdleCheckResult = { raised: [], cleared: [], failedBackends: [] };
    for (const environment of this.environments()) await this.#checkEnvironment(environment, ctx, result);
    const retention = this.config.lifecycle.usage.retentionDays * DAY_MS;
    await this.store.lifecycle.pruneUsage(new Date(this.#clock().getTime() - retention));
    return result;
  }

  async #checkEnvironment(environment: string, ctx: CallContext, result: IdleCheckResult): Promise<void> {
    const now = this.#clock();
    const afterMs = this.config.lifecycle.idle.afterDays * DAY_MS;
    const state = await this.state.whatRuns(environment, undefined, ctx);
    const failed = new Set(state.failedBackends.map((f) => f.backendId));
    result.failedBackends.push(...failed);
    const open = new Map((await this.store.lifecycle.listOpenIdleAlerts(environment)).map((a) => [keyOf(a), a]));
    const running = new Set<string>();
    for (const v of state.versions) {
      const key = keyOf(v);
      running.add(key);
      const seenKey = `${environment}\u0000${key}`;
      const firstSeen = this.#firstSeen.get(seenKey) ?? now.getTime();
      this.#firstSeen.set(seenKey, firstSeen);
      const lastUsed = await this.store.lifecycle.lastUsed(v.backendId, v.modelName, v.version, environment);
      const since = Math.max(lastUsed?.getTime() ?? 0, v.since?.getTime() ?? 0, firstSeen);
      const idle = now.getTime() - since >= afterMs;
      const alert = open.get(key);
      if (alert === undefined) {
        if (idle) {
          const raised = await this.#raise(v, environment, lastUsed, now, ctx);
          if (raised !== undefined) result.raised.push(raised);
        }
      } else if (lastUsed !== null && (alert.lastUsedAt === null || lastUsed.getTime() > alert.lastUsedAt.getTime())) {
        await this.#clear(alert, `used again at ${lastUsed.toISOString()}`, now, result, { lastUsedAt: lastUsed.toISOString() });
      } else if (now.getTime() - Math.max(lastUsed?.getTime() ?? 0, v.since?.getTime() ?? 0) < afterMs) {
        // (This process's first sight of it does not count here: a new leader would clear every alert.)
        await this.#clear(alert, `no longer idle under lifecycle.idle.afterDays (${this.config.lifecycle.idle.afterDays})`, now, result, {});
      }
    }
    for (const [key, alert] of open) {
      if (running.has(key) || failed.has(alert.backendId)) continue;
      await this.#clear(alert, `no longer in ${environment}`, now, result, {});
    }
  }

  async #owner(v: RunningVersion, ctx: CallContext): Promise<ModelOwner | null> {
    try {
      return this.owners.of(await this.catalog.backend(v.backendId).getModel(v.modelName, ctx));
    } catch {
      // The model could not be read: the config's rules still name an owner.
      return this.owners.fromRules(v.backendId, v.modelName);
    }
  }

  async #raise(v: RunningVersion, environment: string, lastUsed: Date | null, now: Date, ctx: CallContext): Promise<IdleAlertRecord | undefined> {
    const owner = await this.#owner(v, ctx);
    const afterDays = this.config.lifecycle.idle.afterDays;
    try {
      return await this.store.transaction(async (tx) => {
        const event = await tx.appendAudit({
          actor: ACTOR.id,
          action: IDLE_RAISE_ACTION,
          targetType: "model_version",
          target: `${v.backendId}/${v.modelName}@${v.version}`,
          backendId: v.backendId,
          modelName: v.modelName,
          after: {
            environment,
            version: v.version,
            lastUsedAt: lastUsed?.toISOString() ?? null,
            inEnvironmentSince: v.since?.toISOString() ?? null,
            afterDays,
            owner,
          },
          reason: lastUsed === null ? `never resolved or served in ${environment} for ${afterDays} days` : `not resolved or served in ${environment} since ${lastUsed.toISOString()}`,
          outcome: "SUCCESS",
        });
        const record = { id: randomUUID(), backendId: v.backendId, modelName: v.modelName, version: v.version, environment, lastUsedAt: lastUsed, raisedAt: now, auditEventId: event.id };
        await tx.lifecycle.insertIdleAlert(record);
        return { ...record, clearedAt: null };
      });
    } catch (err) {
      // Another replica raised it first: its transaction won, this one rolled back (event included).
      if (err instanceof ConflictError) return undefined;
      throw err;
    }
  }

  async #clear(alert: IdleAlertRecord, reason: string, now: Date, result: IdleCheckResult, extra: Record<string, unknown>): Promise<void> {
    const cleared = await this.store.transaction(async (tx) => {
      if (!(await tx.lifecycle.clearIdleAlert(alert.id, now))) return false;
      await tx.appendAudit({
        actor: ACTOR.id,
        action: IDLE_CLEAR_ACTION,
        targetType: "model_version",
        target: `${alert.backendId}/${alert.modelName}@${alert.version}`,
        backendId: alert.backendId,
        modelName: alert.modelName,
        before: { raisedAt: alert.raisedAt.toISOString(), lastUsedAt: alert.lastUsedAt?.toISOString() ?? null },
        after: { environment: alert.environment, version: alert.version, alertId: alert.id, ...extra },
        reason,
        outcome: "SUCCESS",
      });
      return true;
    });
    if (cleared) result.cleared.push({ alert: { ...alert, clearedAt: now }, reason });
  }

  /** Checks every `intervalMs` (first check at once); errors go to `onError`. One check at a time. */
  start(intervalMs: number, onError: (err: unknown) => void): void {
    if (this.#timer !== undefined) return;
    const tick = () => {
      this.#running ??= this.check()
        .catch(onError)
        .finally(() => {
          this.#running = undefined;
        });
    };
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
