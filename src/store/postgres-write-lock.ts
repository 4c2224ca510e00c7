/**
 * Kysely's PostgreSQL dialect with one addition: inside a transaction, the first statement that
 * writes or locks rows (INSERT, UPDATE, DELETE, MERGE, SELECT ... FOR UPDATE/SHARE) first takes the
 * audit chain's advisory lock (./postgres-locks.ts), held to COMMIT or ROLLBACK.
 *
 * Why: audited transactions hold that lock from their first append to commit. A transaction that
 * wrote a row before its first append (say, a status change) and then waits for the lock, while the
 * lock's holder waits for that row, is a deadlock that PostgreSQL only breaks by failing one of
 * them. Taking the lock before any write orders every writing transaction the same way (lock, then
 * rows), so they run one after another, as SQLite's single writer runs them, and never deadlock
 * one another. Reads, and writes outside a transaction, do not take it.
 *
 * Row-locking reads count as writes: a replica's outbox listing (FOR UPDATE SKIP LOCKED) that
 * locked a row before waiting for the lock, while the holder waits to lease that same row, would
 * deadlock too. SKIP LOCKED still keeps rows locked by anything outside this rule (another tool,
 * an older gateway) out of a listing.
 */
import {
  CompiledQuery,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import { AUDIT_CHAIN_LOCK_SQL } from "./postgres-locks.js";

const WRITES: ReadonlySet<string> = new Set(["InsertQueryNode", "UpdateQueryNode", "DeleteQueryNode", "MergeQueryNode"]);
const ROW_LOCKING_READ = /\bfor (no key update|update|share|key share)\b/i;

class WriteLockingConnection implements DatabaseConnection {
  inTransaction = false;
  locked = false;

  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction && !this.locked) {
      if (WRITES.has(query.query.kind) || (query.query.kind === "SelectQueryNode" && ROW_LOCKING_READ.test(query.sql))) {
        await this.inner.executeQuery(CompiledQuery.raw(AUDIT_CHAIN_LOCK_SQL));
        this.locked = true;
      } else if (query.sql === AUDIT_CHAIN_LOCK_SQL) {
        // Taken explicitly (an append about to read the chain head, or lockSlot).
        const result = await this.inner.executeQuery<R>(query);
        this.locked = true;
        return result;
      }
    }
    return this.inner.executeQuery<R>(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function unwrap(connection: DatabaseConnection): WriteLockingConnection {
  if (!(connection instanceof WriteLockingConnection)) throw new Error("a connection of another driver was passed to the write-locking driver");
  return connection;
}

class WriteLockingDriver implements Driver {
  /** One wrapper per pooled connection, so its flags follow the connection. */
  readonly #wrappers = new WeakMap<DatabaseConnection, WriteLockingConnection>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let wrapper = this.#wrappers.get(connection);
    if (wrapper === undefined) {
      wrapper = new WriteLockingConnection(connection);
      this.#wrappers.set(connection, wrapper);
    }
    return wrapper;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = unwrap(connection);
    await this.inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
    c.locked = false;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = unwrap(connection);
    try {
      await this.inner.commitTransaction(c.inner);
    } finally {
      c.inTransaction = false;
      c.locked = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = unwrap(connection);
    try {
      await this.inner.rollbackTransaction(c.inner);
    } finally {
      c.inTransaction = false;
      c.locked = false;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.savepoint!(unwrap(connection).inner, name, compileQuery);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.rollbackToSavepoint!(unwrap(connection).inner, name, compileQuery);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.releaseSavepoint!(unwrap(connection).inner, name, compileQuery);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(unwrap(connection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

export class WriteLockingPostgresDialect extends PostgresDialect {
  constructor(config: PostgresDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new WriteLockingDriver(super.createDriver());
  }
}
