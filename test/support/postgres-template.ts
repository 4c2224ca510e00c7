/**
 * Fresh PostgreSQL databases already at the store's latest schema, for tests that need an empty
 * store rather than a migration: copies (CREATE DATABASE ... TEMPLATE, PostgreSQL copies the files)
 * of one database this process migrated once per server, instead of running every migration again
 * for each test. Tests of the migrations themselves create empty databases (../peers/postgres.ts).
 */
import { openPostgresStore } from "../../src/store/postgres-store.js";
import { createDatabase, uniqueDatabaseName } from "../peers/postgres.js";

const templates = new Map<string, Promise<string>>();

function migratedTemplate(serverUrl: string): Promise<string> {
  let template = templates.get(serverUrl);
  if (template === undefined) {
    template = (async () => {
      const name = uniqueDatabaseName("template");
      const store = await openPostgresStore({ url: await createDatabase(serverUrl, name) });
      await store.close();
      return name;
    })();
    templates.set(serverUrl, template);
    // A failed attempt is not kept: the next caller tries again with its own error.
    template.catch(() => templates.delete(serverUrl));
  }
  return template;
}

/** A new database named `modelgate_<prefix>_<random>` at the latest schema; returns its URL (superuser). */
export async function createMigratedDatabase(serverUrl: string, prefix: string): Promise<string> {
  return createDatabase(serverUrl, uniqueDatabaseName(prefix), { template: await migratedTemplate(serverUrl) });
}
