/**
 * The promotion flow on the PostgreSQL store: request, approval, apply through the outbox worker
 * (which lists and leases in one transaction there), then a rollback (which takes the slot lock),
 * with one unbroken audit chain at the end.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { verifyAuditChain } from "../../src/store/audit-chain.js";
import { openPostgresStore } from "../../src/store/postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { createDatabase, uniqueDatabaseName } from "../peers/postgres.js";
import { APPROVE, PROMOTE, ROLLBACK, STAGE_OF, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "./workflow-gateway.js";
import { everyAuditEvent } from "../support/audit-trail.js";

let gw: WorkflowGateway | undefined;
let reader: Store | undefined;
afterEach(async () => {
  await gw?.stop();
  await reader?.close();
  gw = undefined;
  reader = undefined;
});


describe("promotions on PostgreSQL", () => {
  it("promotes with an approval, applies through the outbox, rolls back, and keeps one chain", async () => {
    const url = await createDatabase(inject("postgresUrl"), uniqueDatabaseName("promo"));
    gw = await startWorkflowGateway({ config: { policies: { rules: [{ gates: { approvals: 1 } }] } }, openStore: () => openPostgresStore({ url }) });
    // A second store on the database, as another replica would read it.
    reader = await openPostgresStore({ url });

    const req = (
      await gw.as("alice", PROMOTE, {
        input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15" },
      })
    ).data!.promotionRequest.promotionRequest;
    expect(req.status).toBe("PENDING");
    expect((await gw.as("bob", APPROVE, { id: req.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, req.id)).status).toBe("APPLIED");
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("PRODUCTION");

    const rolled = await gw.as("bob", ROLLBACK, {
      input: { backend: "example", model: "support-triage", environment: "production", reason: "error rate up after 15" },
    });
    expect(rolled.data?.modelRollback.userErrors).toEqual([]);
    const rb = rolled.data!.modelRollback.promotionRequest;
    expect((await waitForStatus(gw, rb.id)).status).toBe("APPLIED");
    expect((await gw.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("ARCHIVED");

    const events = await everyAuditEvent(reader);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["promotion.request", "promotion.queue", "promotion.rollback", "promotion.demote"]));
    expect(verifyAuditChain(events)).toEqual({ ok: true });
  });
});
