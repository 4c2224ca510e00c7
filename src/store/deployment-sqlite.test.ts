import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { describeDeploymentStoreContract } from "./deployment-store.contract.js";
import { openSqliteStore } from "./sqlite-store.js";

describeDeploymentStoreContract("sqlite (:memory:)", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  return { store, dispose: () => store.close() };
});

describe("sqlite deployment schema", () => {
  it("enforces weights 0-100, unique revision numbers and one row per version in a role in the database itself", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      const d = await store.deployments.ensureDeployment("bot", "production", "alice", new Date());
      const rev = (id: string, number: number) => sql`
        insert into deployment_revisions (id, deployment_id, number, status, content_hash, created_by, reason, created_at, audit_event_id)
        values (${id}, ${d.id}, ${number}, 'DRAFT', 'h', 'alice', 'r', '2026-01-01T00:00:00.000Z', ${randomUUID()})`;
      const id = randomUUID();
      await rev(id, 1).execute(store.db);
      await expect(rev(randomUUID(), 1).execute(store.db)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
      const component = (position: number, version: string, weight: number) => sql`
        insert into deployment_revision_components (revision_id, position, role, backend_id, model_name, version, weight, shadow)
        values (${id}, ${position}, 'ranker', 'git', 'm', ${version}, ${weight}, 0)`;
      await component(0, "1", 60).execute(store.db);
      await expect(component(1, "2", 101).execute(store.db)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" });
      await expect(component(1, "1", 40).execute(store.db)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
      await component(1, "2", 40).execute(store.db);
    } finally {
      await store.close();
    }
  });
});
