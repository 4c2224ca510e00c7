/**
 * The store's schema migrations, listed in code (no directory scan) so they run the same from
 * src/ under tsx and from the compiled dist/. Kysely's Migrator applies them in name order and
 * records each in its `kysely_migration` table: the newest name there is the schema version.
 * A new migration is a new file `NNNN_name.ts` added to MIGRATIONS; never edit a released one.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { StoreError } from "../errors.js";
import * as m0001 from "./0001_audit.js";
import * as m0002 from "./0002_workflow.js";
import * as m0003 from "./0003_drift.js";
import * as m0004 from "./0004_deployments.js";
import * as m0005 from "./0005_deployment_promotion.js";
import * as m0006 from "./0006_webhooks.js";
import * as m0007 from "./0007_outbox_fencing.js";
import * as m0008 from "./0008_drift_kind.js";
import * as m0009 from "./0009_provenance.js";
import * as m0010 from "./0010_lifecycle.js";

export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  "0001_audit": m0001,
  "0002_workflow": m0002,
  "0003_drift": m0003,
  "0004_deployments": m0004,
  "0005_deployment_promotion": m0005,
  "0006_webhooks": m0006,
  "0007_outbox_fencing": m0007,
  "0008_drift_kind": m0008,
  "0009_provenance": m0009,
  "0010_lifecycle": m0010,
});

/** The schema version this build of modelgate creates and expects. */
export const LATEST_SCHEMA_VERSION = Object.keys(MIGRATIONS).sort().at(-1)!;

/** Kysely's table of applied migrations (name, timestamp). */
export const MIGRATION_TABLE = "kysely_migration";

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

/**
 * Applies pending migrations. The caller provides the atomicity and cross-process exclusion where
 * the dialect's Migrator does not (SQLite: run this inside `BEGIN IMMEDIATE`).
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const message = error instanceof Error ? error.message : String(error);
  const failed = results?.find((r) => r.status === "Error")?.migrationName;
  const unknown = /previously executed migration (\S+) is missing/.exec(message)?.[1];
  if (unknown !== undefined) {
    throw new StoreError(
      `the database was migrated by a newer modelgate: it has schema migration "${unknown}", which this ` +
        `version does not know (latest known: "${LATEST_SCHEMA_VERSION}"). Upgrade modelgate or point it at another database.`,
      { cause: error },
    );
  }
  throw new StoreError(
    failed === undefined ? `database migration failed: ${message}` : `database migration "${failed}" failed: ${message}`,
    { cause: error },
  );
}

/** The newest applied migration's name, or undefined on a database never migrated. */
export async function readSchemaVersion(db: Kysely<unknown>): Promise<string | undefined> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return undefined;
  const row = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name desc limit 1`
    .execute(db)
    .then((r) => r.rows[0]);
  return row?.name;
}
