/**
 * Adopting a registry: a version the backend already has in production that the gateway never
 * approved (flagged UNAPPROVED_IN_STAGE) is ratified by a promotion request to the stage it is in,
 * through the same gates and approvals; afterwards the trail vouches for it and the flag is gone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { APPROVE, PROMOTE, STAGE_OF, auditActions, startWorkflowGateway, waitForStatus, type ParsedJson, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const RESOLVE = `{ resolve(name: "example/support-triage", environment: "production") { registryVersion drift { kind version } } }`;
const to14 = { input: { backend: "example", model: "support-triage", version: "14", toStage: "PRODUCTION", environment: "production", reason: "adopt what runs" } };

describe("ratifying a version already in its stage", () => {
  it("goes through the approval gate, changes no stage, and clears the drift flag; a second request is refused", async () => {
    gw = await startWorkflowGateway({ config: { policies: { rules: [{ models: "*", environment: "production", gates: { approvals: 1 } }] } } });
    // The seeded v14 runs in production without any approval on the trail.
    const before = await gw.as("vic", RESOLVE);
    expect(before.data?.resolve).toMatchObject({ registryVersion: "example/support-triage@14", drift: { kind: "UNAPPROVED_IN_STAGE", version: "14" } });

    const res = await gw.as("alice", PROMOTE, to14);
    expect(res.data?.promotionRequest.userErrors).toEqual([]);
    const req = res.data!.promotionRequest.promotionRequest as Record<string, ParsedJson>;
    expect(req).toMatchObject({ status: "PENDING", fromStage: "PRODUCTION", toStage: "PRODUCTION" });
    const requested = (await auditActions(gw, "promotion.request"))[0]!;
    expect(requested.after).toMatchObject({ stage: "PRODUCTION", ratifies: true });

    expect((await gw.as("bob", APPROVE, { id: req.id })).data?.promotionApprove.userErrors).toEqual([]);
    expect((await waitForStatus(gw, req.id as string)).status).toBe("APPLIED");
    expect((await gw.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("STAGING");

    const after = await gw.as("vic", RESOLVE);
    expect(after.data?.resolve).toMatchObject({ registryVersion: "example/support-triage@14", drift: null });

    const again = await gw.as("alice", PROMOTE, to14);
    expect(again.data?.promotionRequest.userErrors).toEqual([
      { field: ["input", "toStage"], code: "INVALID_INPUT", message: expect.stringContaining("already in PRODUCTION, approved through the gateway") },
    ]);
  });
});
