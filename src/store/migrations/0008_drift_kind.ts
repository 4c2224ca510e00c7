/**
 * 0008: what kind of drift an observation is. `OUT_OF_BAND_CHANGE`: a version the promotion trail
 * tracks is not in the stage the trail put it in. `UNAPPROVED_IN_STAGE`: the backend has a version in
 * a governed stage (an environment's stage) that the trail never approved into it; its
 * `expected_stage` is the stage the trail last put the version in, `NONE` when it never staged it.
 *
 * Rows written before this migration are all of the first kind (the default).
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("drift_observations")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("OUT_OF_BAND_CHANGE"))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("drift_observations").dropColumn("kind").execute();
}
