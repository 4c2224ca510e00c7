/**
 * 0007: fenced outbox leases.
 *
 * - `promotion_outbox.lease_owner`: the worker that holds the row's lease (a name unique to that
 *   worker), NULL when nobody does.
 * - `promotion_outbox.lease_token`: the fencing token, incremented every time the row is leased and
 *   never reset, so each lease of a row has a token no earlier lease had.
 *
 * Every write of a leased row (renewal, saved progress, completion, failure, release) is an UPDATE
 * conditional on the owner, the token and `lease_until` being later than the database's own clock,
 * so a worker whose lease ran out or was taken over cannot write the row any more
 * (./../workflow-kysely.ts). `lease_until` stays fixed-width ISO text, now set from the database's
 * clock.
 *
 * The columns are added the same way on both databases: SQLite's ALTER TABLE accepts a NOT NULL
 * column with a default and a column CHECK, as PostgreSQL does; a 32-bit integer is enough for
 * the number of times one row is leased.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("promotion_outbox").addColumn("lease_owner", "text").execute();
  await db.schema
    .alterTable("promotion_outbox")
    .addColumn("lease_token", "integer", (c) => c.notNull().defaultTo(0).check(sql`lease_token >= 0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("promotion_outbox").dropColumn("lease_token").execute();
  await db.schema.alterTable("promotion_outbox").dropColumn("lease_owner").execute();
}
