/**
 * Kysely's SQLite driver prepares every query it runs (`db.prepare(sql)` per execution): SQLite
 * parses and plans the statement each time. The store's queries are a few hundred distinct SQL
 * texts, so their prepared statements are kept, by text, and reused (better-sqlite3 statements are
 * reusable; SQLite re-prepares one itself when the schema changes under it). A statement still
 * iterating rows (`busy`) is never handed out twice: that call gets a fresh one.
 */
import type Database from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { LruCache } from "../core/lru.js";

/** Distinct SQL texts kept; the store's own queries are far fewer (IN lists of varying length add some). */
export const KEPT_STATEMENTS = 500;

export function keepingStatements(sqlite: Database.Database, capacity = KEPT_STATEMENTS): SqliteDatabase {
  const kept = new LruCache<string, Database.Statement>(capacity);
  return {
    close: () => {
      kept.clear();
      sqlite.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const hit = kept.get(sql);
      if (hit !== undefined && !hit.busy) return hit as unknown as SqliteStatement;
      const statement = sqlite.prepare(sql);
      kept.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
  };
}
