/**
 * Wiring both stores share: the StoreTx of one transaction (its parts and serialized audit appends),
 * the `store.workflow`-style objects whose every call is its own transaction, the guards that refuse
 * a transaction object used after its transaction ended and a store called from inside its own
 * transaction, and the in-process audit listeners. The stores add only what differs: how a
 * transaction starts and ends on their database, and how an append takes the chain's lock.
 */
import type { Kysely } from "kysely";
import { Mutex } from "../core/concurrency.js";
import { appendAuditEvent } from "./audit-writer.js";
import type { CardDatabase } from "./card-db-schema.js";
import { KyselyCardTx } from "./card-kysely.js";
import type { CardTx } from "./card-store.js";
import type { StoreDatabase } from "./db-schema.js";
import type { DeploymentDatabase } from "./deployment-db-schema.js";
import { KyselyDeploymentTx } from "./deployment-kysely.js";
import type { DeploymentTx } from "./deployment-store.js";
import { StoreError } from "./errors.js";
import type { LifecycleDatabase } from "./lifecycle-db-schema.js";
import { KyselyLifecycleTx } from "./lifecycle-kysely.js";
import type { LifecycleTx } from "./lifecycle-store.js";
import type { AuditAppendedListener, AuditEvent, AuditEventInput, StoreTx } from "./store.js";
import { TxContext } from "./tx-context.js";
import type { WebhookDatabase } from "./webhook-db-schema.js";
import { KyselyWorkflowTx } from "./workflow-kysely.js";
import type { WorkflowDatabase } from "./workflow-db-schema.js";
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

/** The parts of a StoreTx other than appendAudit. */
export type StoreTxParts = Omit<StoreTx, "appendAudit">;

/** The store's parts outside a transaction: each call runs `transaction` (a transaction of its own). */
export function ownTransactionParts(transaction: <R>(fn: (tx: StoreTx) => Promise<R>) => Promise<R>): StoreTxParts {
  return {
    workflow: ownTransactions(WORKFLOW_METHODS, (fn) => transaction((tx) => fn(tx.workflow))),
    deployments: ownTransactions(DEPLOYMENT_METHODS, (fn) => transaction((tx) => fn(tx.deployments))),
    webhooks: ownTransactions(WEBHOOK_METHODS, (fn) => transaction((tx) => fn(tx.webhooks))),
    lifecycle: ownTransactions(LIFECYCLE_METHODS, (fn) => transaction((tx) => fn(tx.lifecycle))),
    cards: ownTransactions(CARD_METHODS, (fn) => transaction((tx) => fn(tx.cards))),
  };
}

interface TxState {
  store: object;
  active: boolean;
}

/** The transaction the current async call chain runs in, to catch re-entrant use of a store. */
const currentTx = new TxContext<TxState>();

/** Throws instead of deadlocking when `store` is called from inside one of its own transactions, or after close(). */
export function assertStoreUsable(store: object, closed: boolean, method: string): void {
  if (closed) throw new StoreError(`store.${method}() was called after store.close()`);
  const tx = currentTx.current();
  if (tx?.store === store && tx.active) {
    throw new StoreError(
      `store.${method}() was called inside store.transaction(); it would wait for that transaction forever. ` +
        `Use the transaction's own methods (tx.appendAudit) or call it after the transaction.`,
    );
  }
}

export interface StoreTxOptions {
  /** Source of audit timestamps. */
  clock: () => Date;
  /** Runs once, before the transaction's first audit append reads the chain head (PostgreSQL: the chain lock). */
  beforeFirstAppend?: () => Promise<void>;
}

/**
 * Runs `fn` with the StoreTx of a transaction already open on `conn`; returns its result, the seqs
 * of the first and last events it appended (0: none) and their actions. Appends within the transaction are serialized (each
 * reads the head the previous one wrote), and nothing runs on `conn` once `fn` settled: calls made
 * later are refused, appends already started finish first.
 */
export async function runStoreTx<T>(
  store: object,
  conn: Kysely<StoreDatabase>,
  opts: StoreTxOptions,
  fn: (tx: StoreTx) => Promise<T>,
): Promise<{ result: T; headSeq: number; firstSeq: number; actions: ReadonlySet<string> }> {
  const state: TxState = { store, active: true };
  const appends = new Mutex();
  let headSeq = 0;
  let firstSeq = 0;
  const actions = new Set<string>();
  let prepared = opts.beforeFirstAppend === undefined;
  const tx: StoreTx = {
    workflow: guarded(WORKFLOW_METHODS, new KyselyWorkflowTx(conn as unknown as Kysely<WorkflowDatabase>), state, "workflow"),
    deployments: guarded(DEPLOYMENT_METHODS, new KyselyDeploymentTx(conn as unknown as Kysely<DeploymentDatabase>), state, "deployments"),
    webhooks: guarded(WEBHOOK_METHODS, new KyselyWebhookTx(conn as unknown as Kysely<WebhookDatabase>), state, "webhooks"),
    lifecycle: guarded(LIFECYCLE_METHODS, new KyselyLifecycleTx(conn as unknown as Kysely<LifecycleDatabase>), state, "lifecycle"),
    cards: guarded(CARD_METHODS, new KyselyCardTx(conn as unknown as Kysely<CardDatabase>), state, "cards"),
    appendAudit: (input: AuditEventInput): Promise<AuditEvent> => {
      if (!state.active) {
        return Promise.reject(new StoreError("tx.appendAudit() was called after its transaction ended"));
      }
      return appends.run(async () => {
        if (!prepared) {
          await opts.beforeFirstAppend?.();
          prepared = true;
        }
        const event = await appendAuditEvent(conn, input, opts.clock());
        headSeq = event.seq;
        if (firstSeq === 0) firstSeq = event.seq;
        actions.add(event.action);
        return event;
      });
    },
  };
  let result: T;
  try {
    result = await currentTx.run(state, () => fn(tx));
  } finally {
    // Nothing may run on the connection after COMMIT/ROLLBACK: stop new appends and let started
    // ones finish inside the transaction.
    state.active = false;
    await appends.idle();
  }
  return { result, headSeq, firstSeq, actions };
}

/** The `onAuditAppended` listeners of one store, called in this process after a commit. */
export class AuditListeners {
  readonly #listeners = new Set<AuditAppendedListener>();

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: AuditAppendedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(headSeq: number, actions?: ReadonlySet<string>): void {
    for (const listener of this.#listeners) {
      try {
        listener(headSeq, actions);
      } catch {
        // A listener's failure is its own; the commit already happened.
      }
    }
  }
}
