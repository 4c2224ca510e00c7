/**
 * The gateway's own state: the audit trail now; promotion requests, deployments and the outbox in
 * later issues. One interface, one implementation per database (SQLite, PostgreSQL), both
 * built on the same Kysely schema and migrations and passing the same contract tests.
 */

import type { CardTx } from "./card-store.js";
import type { DeploymentTx } from "./deployment-store.js";
import type { LifecycleTx } from "./lifecycle-store.js";
import type { WebhookTx } from "./webhook-store.js";
import type { WorkflowTx } from "./workflow-store.js";

export type AuditOutcome = "SUCCESS" | "FAILURE";

/** Called after a commit that appended audit events (Store.onAuditAppended). */
export type AuditAppendedListener = (headSeq: number, actions?: ReadonlySet<string>) => void;

export interface AuditEventInput {
  /** Actor id (token subject). */
  actor: string;
  /** Dotted verb, e.g. "model_version.register", "alias.set", "alias.remove". */
  action: string;
  /** Kind of the target: "model", "model_version", "alias". */
  targetType: string;
  /** Human-readable target key, e.g. "example/support-triage@14". */
  target: string;
  backendId?: string;
  /** Model name the event concerns (for filtering). */
  modelName?: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
  outcome: AuditOutcome;
  /** Why it failed, when outcome is FAILURE. */
  error?: string;
  requestId?: string;
}

export interface AuditEvent extends AuditEventInput {
  /** Gap-free sequence number, 1-based, the order of the hash chain. */
  seq: number;
  /** Globally unique id (UUID). */
  id: string;
  at: Date;
  /** SHA-256 hex of the previous event ("" for the first). */
  prevHash: string;
  /** SHA-256 hex of prevHash + the RFC 8785 canonical JSON of this event's content. */
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  backendId?: string;
  modelName?: string;
  from?: Date;
  to?: Date;
}

export interface AuditQuery {
  filter?: AuditFilter;
  first: number;
  /** Opaque cursor from a previous page. */
  after?: string;
  /** Newest first (default) or oldest first. */
  order?: "desc" | "asc";
}

export interface AuditPage {
  items: AuditEvent[];
  nextCursor?: string;
}

/** What a transaction can do. Everything written through one commits or rolls back together. */
export interface StoreTx {
  appendAudit(event: AuditEventInput): Promise<AuditEvent>;
  /**
   * The promotion workflow's tables (./workflow-store.ts). Inside a transaction its writes commit
   * with the audit events appended there; on the Store itself each call is its own transaction.
   */
  readonly workflow: WorkflowTx;
  /** Deployments and their immutable revisions (./deployment-store.ts), with the same transaction rules. */
  readonly deployments: DeploymentTx;
  /** Webhook targets, cursors, leases and the delivery log (./webhook-store.ts), with the same transaction rules. */
  readonly webhooks: WebhookTx;
  /** Usage counts, shadow reports, rollouts, idle alerts, version links (./lifecycle-store.ts), with the same transaction rules. */
  readonly lifecycle: LifecycleTx;
  /** The human-written sections of model cards (./card-store.ts), with the same transaction rules. */
  readonly cards: CardTx;
}

export interface Store extends StoreTx {
  readonly dialect: "sqlite" | "postgres";
  /** Runs pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** Runs `fn` in one transaction; a throw rolls everything back. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  listAudit(query: AuditQuery): Promise<AuditPage>;
  getAudit(id: string): Promise<AuditEvent | undefined>;
  /** Cheap liveness check for /readyz. */
  ping(): Promise<void>;
  /**
   * Calls `listener` after a transaction that appended audit events has committed: in this process,
   * and (PostgreSQL) in every replica on the same database. A wake-up, not a data channel: wake-ups
   * may be merged or (across replicas) lost, so listeners read the trail from the last seq they saw
   * and also poll. `headSeq` is the newest seq the committing transaction wrote. Listener errors are
   * the listener's own (they are caught and ignored). Returns a function that unsubscribes.
   * `actions` are the actions the commit appended, when known: for a commit in this process, and for
   * another replica's whose NOTIFY carried them; undefined otherwise (an older replica's commit, one
   * that follows commits this process has not heard of yet, a reconnect), which a listener must treat
   * as "anything".
   */
  onAuditAppended(listener: AuditAppendedListener): () => void;
  close(): Promise<void>;
}
