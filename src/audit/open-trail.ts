/**
 * Opening the audit trail of a configured gateway for the operator tools (`modelgate audit ...`),
 * which run next to the database. Unlike the gateway, they never create a database: a config that
 * points at an empty data dir is an error, not an empty (and so trivially intact) trail.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { LoadedConfig } from "../config/schema.js";
import { SQLITE_FILE_NAME, openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { AuditTrailNotFoundError } from "./errors.js";

export async function openExistingTrail(loaded: LoadedConfig): Promise<Store> {
  // PostgreSQL: the database must exist already (connecting fails otherwise, naming it).
  if (loaded.config.database.url !== undefined) return openStore(loaded);
  const file = join(loaded.dataDir, SQLITE_FILE_NAME);
  let isFile = false;
  try {
    isFile = (await stat(file)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new AuditTrailNotFoundError(`cannot read the audit database ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!isFile) {
    const source = loaded.configPath === undefined ? "no config file (defaults and environment)" : `config ${loaded.configPath}`;
    throw new AuditTrailNotFoundError(
      `there is no audit database at ${file} (data dir from ${source}); pass the gateway's config with --config or MODELGATE_CONFIG`,
    );
  }
  return openStore(loaded);
}
