/**
 * The SQLite store: Kysely over better-sqlite3, one connection, WAL journal.
 *
 * Every operation runs through one FIFO queue, so concurrent callers never interleave on the single
 * connection and a transaction's statements are never mixed with another's. Writing transactions
 * start with BEGIN IMMEDIATE, which takes SQLite's write lock up front: a second process on the
 * same file waits (busy_timeout) instead of reading a chain head that is about to change.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { keepingStatements } from "./sqlite-statements.js";
import { getAuditEvent, listAuditEvents } from "./audit-reader.js";
import type { StoreDatabase } from "./db-schema.js";
import type { DeploymentTx } from "./deployment-store.js";
import { StoreError } from "./errors.js";
import { migrateToLatest, readSchemaVersion } from "./migrations/index.js";
import { Mutex } from "../core/concurrency.js";
import { AuditListeners, assertStoreUsable, ownTransactionParts, runStoreTx } from "./store-wiring.js";
import type { AuditAppendedListener, AuditEvent, AuditEventInput, AuditPage, AuditQuery, Store, StoreTx } from "./store.js";
import type { WorkflowTx } from "./workflow-store.js";
import type { CardTx } from "./card-store.js";
import type { LifecycleTx } from "./lifecycle-store.js";
import type { WebhookTx } from "./webhook-store.js";

export interface SqliteStoreOptions {
  /** Database file path, or ":memory:" for a private in-memory database (tests). */
  file: string;
  /** How long to wait for another process's write lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Source of audit timestamps (default: the system clock). */
  clock?: () => Date;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describeLocation(file: string): string {
  return file === ":memory:" ? "the in-memory SQLite database" : `the SQLite database ${resolve(file)}`;
}

function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  if (file.trim() === "") throw new StoreError("the SQLite database file name is empty");
  const inMemory = file === ":memory:";
  const where = describeLocation(file);
  let sqlite: Database.Database | undefined;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true, mode: 0o700 });
    sqlite = new Database(file);
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    sqlite.pragma("foreign_keys = ON");
    if (!inMemory) {
      const mode = sqlite.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") {
        throw new Error(`SQLite kept journal mode "${String(mode)}" instead of WAL (is the file on a network file system?)`);
      }
    }
    return sqlite;
  } catch (err) {
    sqlite?.close();
    throw new StoreError(`cannot open ${where}: ${errorMessage(err)}`, { cause: err });
  }
}

export class SqliteStore implements Store {
  readonly dialect = "sqlite" as const;
  /**
   * The underlying Kysely instance, for tooling and tests. Writing through it bypasses the queue
   * and the hash chain: appending to audit_events this way breaks the chain.
   */
  readonly db: Kysely<StoreDatabase>;
  readonly #queue = new Mutex();
  readonly #clock: () => Date;
  readonly #location: string;
  readonly #busyTimeoutMs: number;
  #closed = false;
  readonly #auditListeners = new AuditListeners();
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

  constructor(db: Kysely<StoreDatabase>, opts: { clock: () => Date; location: string; busyTimeoutMs: number }) {
    this.db = db;
    this.#clock = opts.clock;
    this.#location = opts.location;
    this.#busyTimeoutMs = opts.busyTimeoutMs;
  }

  /** Throws instead of deadlocking when called from inside one of this store's transactions. */
  #assertUsable(method: string): void {
    assertStoreUsable(this, this.#closed, method);
  }

  /** Runs `fn` on the connection in a BEGIN IMMEDIATE transaction, queued behind other operations. */
  #immediate<T>(fn: (conn: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return this.#queue.run(() =>
      this.db.connection().execute(async (conn) => {
        try {
          await sql`begin immediate`.execute(conn);
        } catch (err) {
          if ((err as { code?: unknown }).code === "SQLITE_BUSY") {
            throw new StoreError(
              `${this.#location} is locked by another process; gave up waiting for its write lock after ${this.#busyTimeoutMs} ms`,
              { cause: err },
            );
          }
          throw err;
        }
        let result: T;
        try {
          result = await fn(conn);
          await sql`commit`.execute(conn);
        } catch (err) {
          try {
            await sql`rollback`.execute(conn);
          } catch {
            // SQLite already rolled back (some errors end the transaction themselves).
          }
          throw err;
        }
        return result;
      }),
    );
  }

  async migrate(): Promise<void> {
    this.#assertUsable("migrate");
    await this.#immediate((conn) => migrateToLatest(conn as Kysely<unknown>));
  }

  /** The newest applied migration, e.g. "0001_audit". */
  async schemaVersion(): Promise<string | undefined> {
    this.#assertUsable("schemaVersion");
    return this.#queue.run(() => readSchemaVersion(this.db as Kysely<unknown>));
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      this.#assertUsable("transaction");
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#immediate((conn) => runStoreTx(this, conn, { clock: this.#clock }, fn)).then(({ result, headSeq, actions }) => {
      if (headSeq > 0) this.#auditListeners.notify(headSeq, actions);
      return result;
    });
  }

  onAuditAppended(listener: AuditAppendedListener): () => void {
    return this.#auditListeners.add(listener);
  }

  appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    return this.transaction((tx) => tx.appendAudit(event));
  }

  async listAudit(query: AuditQuery): Promise<AuditPage> {
    this.#assertUsable("listAudit");
    return this.#queue.run(() => listAuditEvents(this.db, query));
  }

  async getAudit(id: string): Promise<AuditEvent | undefined> {
    this.#assertUsable("getAudit");
    return this.#queue.run(() => getAuditEvent(this.db, id));
  }

  async ping(): Promise<void> {
    this.#assertUsable("ping");
    await this.#queue.run(() => sql`select 1`.execute(this.db));
  }

  /** Waits for queued operations, then closes the database. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#assertUsable("close");
    this.#closed = true;
    await this.#queue.run(() => this.db.destroy());
  }
}

/** Opens (creating if needed) a SQLite store and brings its schema up to date. */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StoreError(`busyTimeoutMs must be a whole number of milliseconds >= 0, got ${busyTimeoutMs}`);
  }
  const location = describeLocation(opts.file);
  const sqlite = openDatabase(opts.file, busyTimeoutMs);
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) });
  const store = new SqliteStore(db, { clock: opts.clock ?? (() => new Date()), location, busyTimeoutMs });
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw new StoreError(`cannot open ${location}: ${errorMessage(err)}`, { cause: err });
  }
  return store;
}
