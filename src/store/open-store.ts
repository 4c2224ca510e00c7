/**
 * Picks and opens the store for a loaded config: PostgreSQL when `database.url` (or
 * MODELGATE_DATABASE_URL) is set, else SQLite at `${dataDir}/modelgate.db`. The data dir is created
 * either way: adapters keep clones and caches there.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { LoadedConfig } from "../config/schema.js";
import { StoreError } from "./errors.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

/** File name of the SQLite database inside the data dir. */
export const SQLITE_FILE_NAME = "modelgate.db";

export interface OpenStoreOptions {
  /** PostgreSQL only: called (password masked) when a background connection fails and is replaced. */
  onBackgroundError?: (message: string) => void;
}

export async function openStore(loaded: LoadedConfig, opts: OpenStoreOptions = {}): Promise<Store> {
  try {
    await mkdir(loaded.dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError(
      `cannot create the data dir ${loaded.dataDir}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const url = loaded.config.database.url?.trim();
  if (url !== undefined && url !== "") {
    // Loaded only for PostgreSQL: the embedded default does not carry pg (about 3 MiB of heap).
    const { openPostgresStore } = await import("./postgres-store.js");
    return openPostgresStore({ url, ...(opts.onBackgroundError === undefined ? {} : { onBackgroundError: opts.onBackgroundError }) });
  }
  return openSqliteStore({ file: join(loaded.dataDir, SQLITE_FILE_NAME) });
}
