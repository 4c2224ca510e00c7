/**
 * The PostgreSQL store: Kysely over a `pg` Pool, the same schema and migrations as SQLite. Several
 * gateway processes may share one database:
 * - each `transaction(fn)` runs on one pooled connection (READ COMMITTED);
 * - audit appends take a transaction-scoped advisory lock (./postgres-locks.ts) before reading the
 *   chain head, held to commit, so concurrent writers anywhere produce one gap-free chain; every
 *   other writing transaction takes it before its first write (./postgres-write-lock.ts), so
 *   writing transactions run one at a time across replicas, as on SQLite, and cannot deadlock;
 * - the outbox is listed FOR UPDATE SKIP LOCKED and leased with a conditional UPDATE, so replicas
 *   never take the same row (./workflow-kysely.ts);
 * - unique violations (SQLSTATE 23505) surface as the same ConflictError as on SQLite;
 * - a transaction that appended events NOTIFYs the other processes (./postgres-audit-wakeups.ts).
 */
import { Kysely, sql } from "kysely";
import pg from "pg";
import { getAuditEvent, listAuditEvents } from "./audit-reader.js";
import type { StoreDatabase } from "./db-schema.js";
import type { DeploymentTx } from "./deployment-store.js";
import { StoreError } from "./errors.js";
import { migrateToLatest, readSchemaVersion } from "./migrations/index.js";
import { AUDIT_ACTIONS_CHANNEL, AUDIT_CHANNEL, PostgresAuditWakeups, auditActionsPayload, type AppendedActions } from "./postgres-audit-wakeups.js";
import { lockAuditChain } from "./postgres-locks.js";
import { checkPostgresUrl, maskDatabaseUrl, maskPasswordIn } from "./postgres-url.js";
import { WriteLockingPostgresDialect } from "./postgres-write-lock.js";
import { AuditListeners, assertStoreUsable, ownTransactionParts, runStoreTx } from "./store-wiring.js";
import type { AuditAppendedListener, AuditEvent, AuditEventInput, AuditPage, AuditQuery, Store, StoreTx } from "./store.js";
import type { CardTx } from "./card-store.js";
import type { LifecycleTx } from "./lifecycle-store.js";
import type { WebhookTx } from "./webhook-store.js";
import type { WorkflowTx } from "./workflow-store.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (libpq URL parameters such as sslmode work too). */
  url: string;
  /** Source of audit timestamps (default: the system clock). */
  clock?: () => Date;
  /** Most connections the pool opens (default 10); the LISTEN connection comes on top. */
  maxConnections?: number;
  /** How long to wait for a new connection before failing (default 10000 ms). */
  connectTimeoutMs?: number;
  /**
   * Called (password masked) when an idle pooled connection or the LISTEN connection fails in the
   * background; the pool replaces the connection and the listener reconnects by themselves.
   */
  onBackgroundError?: (message: string) => void;
}

const DEFAULT_MAX_CONNECTIONS = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PostgresStore implements Store {
  readonly dialect = "postgres" as const;
  /**
   * The underlying Kysely instance, for tooling and tests. Writing through it bypasses the hash
   * chain's lock: appending to audit_events this way can fork the chain.
   */
  readonly db: Kysely<StoreDatabase>;
  readonly #clock: () => Date;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #auditListeners = new AuditListeners();
  readonly #wakeups: PostgresAuditWakeups;
  /** The highest seq listeners were woken with, so a NOTIFY of our own commit does not wake them twice. */
  #lastWokenSeq = 0;
  /**
   * The actions of this process's commits, by head seq, from just before COMMIT until their wake-up:
   * the NOTIFY of our own commit may reach the LISTEN connection before the commit's own reply does.
   */
  readonly #ownActions = new Map<number, { firstSeq: number; actions: ReadonlySet<string> }>();
  #closed = false;
  readonly #own = ownTransactionParts((fn) => this.transaction(fn));
  /** Workflow calls outside a transaction: each runs in a transaction of its own. */
  readonly workflow: WorkflowTx = this.#own.workflow;
  /** Deployment calls outside a transaction: each runs in a transaction of its own. */
  readonly deployments: DeploymentTx = this.#own.deployments;
  /** Webhook calls outside a transaction: each runs in a transaction of its own. */
  readonly webhooks: WebhookTx = this.#own.webhooks;
  /** Lifecycle calls outside a transaction: each runs in a transaction of its own. */
  readonly lifecycle: LifecycleTx = this.#own.lifecycle;
  /** Model card calls outside a transaction: each runs in a transaction of its own. */
  readonly cards: CardTx = this.#own.cards;

  constructor(db: Kysely<StoreDatabase>, opts: { url: string; clock: () => Date; onBackgroundError: (message: string) => void }) {
    this.db = db;
    this.#clock = opts.clock;
    this.#wakeups = new PostgresAuditWakeups({ url: opts.url, onWake: (seq, appended) => this.#wake(seq, appended), onError: opts.onBackgroundError });
  }

  /** Throws instead of deadlocking when called from inside one of this store's transactions. */
  #assertUsable(method: string): void {
    assertStoreUsable(this, this.#closed, method);
  }

  /** Runs `fn` unless the store is closed or in use by the caller's transaction; close() waits for it. */
  #run<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      this.#assertUsable(method);
    } catch (err) {
      return Promise.reject(err);
    }
    const p = fn();
    this.#inflight.add(p);
    const forget = () => this.#inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  migrate(): Promise<void> {
    // Kysely's PostgreSQL migrator runs in one transaction under a row lock of its own, so replicas
    // starting together apply each migration once.
    return this.#run("migrate", () => migrateToLatest(this.db as Kysely<unknown>));
  }

  /** The newest applied migration, e.g. "0001_audit". */
  schemaVersion(): Promise<string | undefined> {
    return this.#run("schemaVersion", () => readSchemaVersion(this.db as Kysely<unknown>));
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#run("transaction", () =>
      this.db.transaction().execute(async (conn) => {
        // Audit appends take the chain's advisory lock first, held to commit (./postgres-locks.ts).
        const done = await runStoreTx(this, conn, { clock: this.#clock, beforeFirstAppend: () => lockAuditChain(conn) }, fn);
        // Queued now, delivered to every LISTENing process when (and only if) the transaction commits.
        if (done.headSeq > 0) {
          // What it appended first, then its seq: other replicas' listeners get both, in this order.
          const told = auditActionsPayload(done.headSeq, done);
          if (told !== undefined) await sql`select pg_notify(${AUDIT_ACTIONS_CHANNEL}, ${told})`.execute(conn);
          await sql`select pg_notify(${AUDIT_CHANNEL}, ${String(done.headSeq)})`.execute(conn);
          this.#ownActions.set(done.headSeq, { firstSeq: done.firstSeq, actions: done.actions });
        }
        return done;
      }),
    ).then(
      ({ result, headSeq }) => {
        if (headSeq > 0) this.#wake(headSeq);
        return result;
      },
      (err: unknown) => {
        // Not committed: its seqs will be written again by another transaction, with other actions.
        this.#dropOwnActions((seq) => seq > this.#lastWokenSeq);
        throw err;
      },
    );
  }

  onAuditAppended(listener: AuditAppendedListener): () => void {
    const remove = this.#auditListeners.add(listener);
    if (!this.#closed) this.#wakeups.start();
    return remove;
  }

  /**
   * Resolves once this store LISTENs for other processes' audit wake-ups (after the first
   * `onAuditAppended`); commits after that reach its listeners.
   */
  auditListening(): Promise<void> {
    return this.#wakeups.listening();
  }

  /** `appended`: what another process's commit appended, when its NOTIFY said (AUDIT_ACTIONS_CHANNEL). */
  #wake(headSeq: number, appended?: AppendedActions): void {
    const own = this.#ownActions.get(headSeq) ?? appended;
    this.#ownActions.delete(headSeq);
    // Commit order is seq order (the chain lock is held to commit): a lower or equal seq is covered
    // by a wake-up the listeners already had.
    if (headSeq <= this.#lastWokenSeq) return;
    // The listeners learn what was appended only for a commit that follows the last wake-up without a
    // gap: seqs in between are other commits whose NOTIFY has not arrived (it will be dropped as
    // covered), so they may have appended anything. Ours are known at once; another replica's when its
    // NOTIFY carried them (an older version's does not).
    const actions = own !== undefined && own.firstSeq === this.#lastWokenSeq + 1 ? own.actions : undefined;
    this.#lastWokenSeq = headSeq;
    this.#auditListeners.notify(headSeq, actions);
    // Seqs up to the head are covered by this wake-up.
    this.#dropOwnActions((seq) => seq <= headSeq);
  }

  #dropOwnActions(which: (seq: number) => boolean): void {
    for (const seq of this.#ownActions.keys()) if (which(seq)) this.#ownActions.delete(seq);
  }

  appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    return this.transaction((tx) => tx.appendAudit(event));
  }

  listAudit(query: AuditQuery): Promise<AuditPage> {
    return this.#run("listAudit", () => listAuditEvents(this.db, query));
  }

  getAudit(id: string): Promise<AuditEvent | undefined> {
    return this.#run("getAudit", () => getAuditEvent(this.db, id));
  }

  async ping(): Promise<void> {
    await this.#run("ping", () => sql`select 1`.execute(this.db));
  }

  /** Waits for operations already started, then closes the LISTEN connection and the pool. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#assertUsable("close");
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    await this.#wakeups.close();
    await this.db.destroy();
  }
}

/** Connects to PostgreSQL and brings the schema up to date. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  checkPostgresUrl(opts.url);
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new StoreError(`maxConnections must be a whole number >= 1, got ${maxConnections}`);
  }
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 1) {
    throw new StoreError(`connectTimeoutMs must be a whole number of milliseconds >= 1, got ${connectTimeoutMs}`);
  }
  const where = `the PostgreSQL database ${maskDatabaseUrl(opts.url)}`;
  const report = opts.onBackgroundError ?? (() => undefined);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    // A writing transaction holds the cluster-wide write lock to its end: one left open by a hung
    // process must not stop every replica's writes for longer than this.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // An idle connection that dies (server restart, network) is dropped by the pool; without a
  // listener the 'error' event would crash the process.
  pool.on("error", (err) => report(maskPasswordIn(`an idle connection to ${where} failed: ${err.message}`, opts.url)));
  const db = new Kysely<StoreDatabase>({ dialect: new WriteLockingPostgresDialect({ pool }) });
  const store = new PostgresStore(db, { url: opts.url, clock: opts.clock ?? (() => new Date()), onBackgroundError: report });
  try {
    await store.ping();
    await store.migrate();
  } catch (err) {
    await store.close();
    throw new StoreError(maskPasswordIn(`cannot open ${where}: ${errorMessage(err)}`, opts.url), { cause: err });
  }
  return store;
}
