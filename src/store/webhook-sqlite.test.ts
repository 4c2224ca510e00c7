import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "./sqlite-store.js";
import type { WebhookDatabase } from "./webhook-db-schema.js";
import { describeWebhookStoreContract } from "./webhook-store.contract.js";

describeWebhookStoreContract("sqlite (:memory:)", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  return { store, dispose: () => store.close() };
});

describe("sqlite webhook schema", () => {
  it("refuses a second delivery of the same event copy and a taken position in the database itself", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      const at = new Date("2026-03-01T00:00:00.000Z");
      await store.webhooks.createTarget({ id: "a", url: "http://127.0.0.1:1/", secret: "0123456789abcdef", events: [], filter: {} }, "API", "alice", at);
      const row = (id: string, position: number, seq: number) => ({
        id,
        target_id: "a",
        position,
        event_seq: seq,
        event_id: `e${seq}`,
        event_type: "OTHER",
        event_json: "{}",
        copy: 0,
        redelivery_of: null,
        status: "PENDING",
        attempt_count: 0,
        round_attempts: 0,
        next_attempt_at: at.toISOString(),
        last_status_code: null,
        last_error: null,
        created_at: at.toISOString(),
        completed_at: null,
      });
      const db = store.db as unknown as Kysely<WebhookDatabase>;
      await db.insertInto("webhook_deliveries").values(row("d1", 1, 1)).execute();
      await expect(db.insertInto("webhook_deliveries").values(row("d2", 2, 1)).execute()).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
      await expect(db.insertInto("webhook_deliveries").values(row("d3", 1, 2)).execute()).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
      await expect(db.insertInto("webhook_deliveries").values({ ...row("d4", 3, 3), status: "LOST" }).execute()).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" });
    } finally {
      await store.close();
    }
  });
});
