/**
 * PostgreSQL advisory locks the store takes. Transaction-scoped (`pg_advisory_xact_lock`): released
 * by COMMIT or ROLLBACK, so a crashed gateway never leaves one held. The keys are constants in the
 * one 64-bit advisory key space of the database; they only need to differ from keys other software
 * on the same database uses.
 */
import { sql, type Kysely } from "kysely";

/** "mgaudit1" as a number: the audit hash chain's head. */
export const AUDIT_CHAIN_LOCK_KEY = 0x6d67617564697431n;

/**
 * Serialises appends to the audit chain across every connection and process: held from the first
 * append of a transaction to its commit, so the head one transaction reads (after taking it, in
 * READ COMMITTED) is the head every earlier committed append left, and no two appends get one seq.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: runs raw SQL only
export async function lockAuditChain(db: Kysely<any>): Promise<void> {
  await sql.raw(AUDIT_CHAIN_LOCK_SQL).execute(db);
}

/** The statement, exactly (./postgres-write-lock.ts recognises it). */
export const AUDIT_CHAIN_LOCK_SQL = `select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY.toString()})`;
