/** Rollback (emergency path through the outbox) and what ran in production at a past time. */
import { afterEach, describe, expect, it } from "vitest";
import { APPROVE, PROMOTE, ROLLBACK, STAGE_OF, auditActions, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const ONE_APPROVAL = { policies: { rules: [{ gates: { approvals: 1 } }] } };
const PRODUCTION_AT = `query($asOf: DateTime) { production(environment: "production", asOf: $asOf) { backendId modelName version since until request { kind } } }`;
const rollbackInput = { input: { backend: "example", model: "support-triage", environment: "production", reason: "error rate up after 15" } };

describe("rollback", () => {
  it("puts back the previous production version while another request's gate is unmet, and answers asOf", async () => {
    gw = await startWorkflowGateway({ config: ONE_APPROVAL });
    const beforeAny = new Date();
    await new Promise((r) => setTimeout(r, 5));
    const req = (
      await gw.as("alice", PROMOTE, {
        input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15" },
      })
    ).data!.promotionRequest.promotionRequest;
    const seededAt = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await gw.as("bob", APPROVE, { id: req.id });
    expect((await waitForStatus(gw, req.id)).status).toBe("APPLIED");
    await new Promise((r) => setTimeout(r, 5));
    const fifteenAt = new Date();

    // A request waiting for its approval holds the slot; rollback still goes through.
    const pending = (
      await gw.as("alice", PROMOTE, {
        input: { backend: "example", model: "support-triage", version: "13", toStage: "STAGING", environment: "production", reason: "re-evaluate 13" },
      })
    ).data!.promotionRequest.promotionRequest;
    expect(pending.status).toBe("PENDING");

    const refused = await gw.as("alice", ROLLBACK, rollbackInput);
    expect(refused.data?.modelRollback.userErrors[0]).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("needs the approver role") });

    const rolled = await gw.as("bob", ROLLBACK, rollbackInput);
    expect(rolled.data?.modelRollback.userErrors).toEqual([]);
    const rb = rolled.data!.modelRollback.promotionRequest;
    expect(rb).toMatchObject({ kind: "ROLLBACK", version: "14", toStage: "PRODUCTION", previousVersions: ["15"], requestedBy: "bob" });
    expect((await waitForStatus(gw, rb.id)).status).toBe("APPLIED");
    expect((await gw.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("ARCHIVED");

    expect(await auditActions(gw, "promotion.rollback")).toMatchObject([
      { actor: "bob", reason: "error rate up after 15", before: { production: "15" }, after: { production: "14" } },
    ]);
    expect((await auditActions(gw, "promotion.demote")).map((e) => e.target)).toEqual(["example/support-triage@14", "example/support-triage@15"]);

    const now = (await gw.as("vic", PRODUCTION_AT)).data?.production;
    expect(now).toMatchObject([{ version: "14", until: null, request: { kind: "ROLLBACK" } }]);
    expect((await gw.as("vic", PRODUCTION_AT, { asOf: fifteenAt.toISOString() })).data?.production).toMatchObject([
      { version: "15", request: { kind: "PROMOTION" } },
    ]);
    expect((await gw.as("vic", PRODUCTION_AT, { asOf: seededAt.toISOString() })).data?.production).toMatchObject([{ version: "14", request: null }]);
    expect((await gw.as("vic", PRODUCTION_AT, { asOf: beforeAny.toISOString() })).data?.production).toEqual([]);
  });

  it("refuses a rollback while another change of the same model and environment is being applied", async () => {
    const noGates = { policies: { rules: [{ gates: {} }] } };
    const first = await startWorkflowGateway({ config: noGates });
    const shipped = (
      await first.as("alice", PROMOTE, {
        input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15" },
      })
    ).data!.promotionRequest.promotionRequest;
    expect((await waitForStatus(first, shipped.id)).status).toBe("APPLIED");
    await first.close();
    await first.gateway.close();
    // Same state, no worker: the next request stays APPLYING.
    gw = await startWorkflowGateway({ dir: first.dir, config: noGates, outbox: false });
    const applying = (
      await gw.as("alice", PROMOTE, {
        input: { backend: "example", model: "support-triage", version: "16", toStage: "STAGING", environment: "production", reason: "stage 16" },
      })
    ).data!.promotionRequest.promotionRequest;
    expect(applying.status).toBe("APPLYING");
    const res = await gw.as("bob", ROLLBACK, rollbackInput);
    expect(res.data?.modelRollback.userErrors).toEqual([
      {
        field: ["input", "model"],
        code: "CONFLICT",
        message: expect.stringContaining(`example/support-triage/production is being changed by request`),
      },
    ]);
    expect(await auditActions(gw, "promotion.rollback")).toEqual([]);
  });

  it("refuses a rollback when no earlier production version is recorded", async () => {
    gw = await startWorkflowGateway();
    const res = await gw.as("bob", ROLLBACK, rollbackInput);
    expect(res.data?.modelRollback).toEqual({
      promotionRequest: null,
      userErrors: [
        {
          field: ["input", "model"],
          code: "NOT_FOUND",
          message: "no earlier production version of example/support-triage in production is recorded: rollback puts back a version the gateway promoted from",
        },
      ],
    });
  });
});
