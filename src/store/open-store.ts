/**
 * Picks and opens the store for a loaded config: SQLite at `${dataDir}/modelgate.db`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { LoadedConfig } from "../config/schema.js";
import { StoreError } from "./errors.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

/** File name of the SQLite database inside the data dir. */
export const SQLITE_FILE_NAME = "modelgate.db";

export async function openStore(loaded: LoadedConfig): Promise<Store> {
  try {
    await mkdir(loaded.dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError(
      `cannot create the data dir ${loaded.dataDir}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return openSqliteStore({ file: join(loaded.dataDir, SQLITE_FILE_NAME) });
}
