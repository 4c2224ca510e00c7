/**
 * Wiring both stores share: the method lists of the transaction parts, the `store.workflow`-style
 * objects whose every call is its own transaction, the guard that refuses a transaction object used
 * after its transaction ended, and the in-process audit listeners.
 */
import { KyselyCardTx } from "./card-kysely.js";
import type { CardTx } from "./card-store.js";
import { KyselyDeploymentTx } from "./deployment-kysely.js";
import type { DeploymentTx } from "./deployment-store.js";
import { StoreError } from "./errors.js";
import { KyselyLifecycleTx } from "./lifecycle-kysely.js";
import type { LifecycleTx } from "./lifecycle-store.js";
import { KyselyWorkflowTx } from "./workflow-kysely.js";
import type { WorkflowTx } from "./workflow-store.js";
import { KyselyWebhookTx } from "./webhook-kysely.js";
import type { WebhookTx } from "./webhook-store.js";

export function methodsOf<T>(cls: { prototype: T }): (keyof T)[] {
  return Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== "constructor") as (keyof T)[];
}

export const WORKFLOW_METHODS = methodsOf<WorkflowTx>(KyselyWorkflowTx);
export const DEPLOYMENT_METHODS = methodsOf<DeploymentTx>(KyselyDeploymentTx);
export const WEBHOOK_METHODS = methodsOf<WebhookTx>(KyselyWebhookTx);
export const LIFECYCLE_METHODS = methodsOf<LifecycleTx>(KyselyLifecycleTx);
export const CARD_METHODS = methodsOf<CardTx>(KyselyCardTx);

type AsyncMethods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** An object whose every listed method runs through `run` (its own transaction). */
export function ownTransactions<T extends object>(methods: readonly (keyof T)[], run: <R>(fn: (inner: T) => Promise<R>) => Promise<R>): T {
  const out: Record<string, unknown> = {};
  for (const m of methods) {
    out[m as string] = (...args: unknown[]) => run((inner) => (inner as unknown as AsyncMethods)[m as string]!(...args));
  }
  return out as T;
}

/** Refuses calls made after the transaction ended (they would run outside it). */
export function guarded<T extends object>(methods: readonly (keyof T)[], inner: T, state: { active: boolean }, name: string): T {
  const out: Record<string, unknown> = {};
  for (const m of methods) {
    out[m as string] = (...args: unknown[]) => {
      if (!state.active) return Promise.reject(new StoreError(`tx.${name}.${String(m)}() was called after its transaction ended`));
      return (inner as unknown as AsyncMethods)[m as string]!.apply(inner, args);
    };
  }
  return out as T;
}

/** The `onAuditAppended` listeners of one store, called in this process after a commit. */
export class AuditListeners {
  readonly #listeners = new Set<(headSeq: number) => void>();

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: (headSeq: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(headSeq: number): void {
    for (const listener of this.#listeners) {
      try {
        listener(headSeq);
      } catch {
        // A listener's failure is its own; the commit already happened.
      }
    }
  }
}
