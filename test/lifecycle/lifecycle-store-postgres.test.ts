/** The lifecycle store contract on the PostgreSQL peer (same suite as src/store/lifecycle-sqlite.test.ts). */
import { inject } from "vitest";
import { createDatabase, uniqueDatabaseName } from "../peers/postgres.js";
import { describeLifecycleStoreContract } from "../../src/store/lifecycle-store.contract.js";
import { openPostgresStore } from "../../src/store/postgres-store.js";

const serverUrl = inject("postgresUrl");

describeLifecycleStoreContract("postgres", async () => {
  const store = await openPostgresStore({ url: await createDatabase(serverUrl, uniqueDatabaseName("lifecycle")) });
  return { store, dispose: () => store.close() };
});
