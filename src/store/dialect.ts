/**
 * Which database a Kysely instance talks to, for the few places that must differ (migrations'
 * PostgreSQL-only DDL, row locks and advisory locks that SQLite's single writer does not need).
 */
import { PostgresAdapter, type Kysely } from "kysely";

export type StoreDialect = "sqlite" | "postgres";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: only the adapter is read
export function dialectOf(db: Kysely<any>): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}
