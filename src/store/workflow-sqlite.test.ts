import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "./sqlite-store.js";
import { describeWorkflowStoreContract } from "./workflow-store.contract.js";

describeWorkflowStoreContract("sqlite (:memory:)", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  return { store, dispose: () => store.close() };
});

describe("sqlite workflow schema", () => {
  it("enforces one open request per lock key and unique idempotency keys in the database itself", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      const row = (lockKey: string | null, key: string | null) => sql`
        insert into promotion_requests (id, kind, backend_id, model_name, version, environment, from_stage, to_stage, demote_to,
          previous_versions_json, status, requested_by, reason, policy_json, idempotency_key, input_hash, lock_key, failure, created_at, updated_at)
        values (${randomUUID()}, 'PROMOTION', 'git', 'm', '1', 'production', 'STAGING', 'PRODUCTION', 'ARCHIVED',
          '[]', 'PENDING', 'alice', 'r', '{}', ${key}, null, ${lockKey}, null, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`;
      await row("git/m/production", "k1").execute(store.db);
      await expect(row("git/m/production", null).execute(store.db)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
      await expect(row("git/m/staging", "k1").execute(store.db)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
      // Ended requests hold no lock key: any number of them.
      await row(null, null).execute(store.db);
      await row(null, null).execute(store.db);
    } finally {
      await store.close();
    }
  });
});
