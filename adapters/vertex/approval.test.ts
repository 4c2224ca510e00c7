/**
 * An approved promotion on Vertex AI: the version labels `modelgate-approval-id`,
 * `modelgate-approved-by` and `modelgate-approved-at`, in label-safe form, written in the same
 * UpdateModel as the stage and read back with Google's own client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WriteApproval } from "../../src/core/index.js";
import { ctx, modelPath, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { fakeClient } from "../../test/peers/vertex/test-client.js";
import type { ModelServiceClient } from "./client.js";
import { approvalLabels, labelProblem, labelSafe } from "./labels.js";

let h: FakeHarness;
let raw: ModelServiceClient;

beforeAll(async () => {
  h = await startFakeAdapter();
  raw = fakeClient(h.fake);
});
afterAll(async () => {
  await raw.close();
  await h.close();
});
beforeEach(() => h.fake.reset());

const approval: WriteApproval = {
  requestId: "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
  approvedBy: ["alice", "Bob.Smith@Example.com"],
  approvedAt: new Date("2026-11-29T21:40:00.000Z"),
};

async function labelsOf(id: string, version: string): Promise<Record<string, string>> {
  return ((await raw.getModel({ name: modelPath(id, version) }))[0].labels ?? {}) as Record<string, string>;
}

describe("approval labels (pure)", () => {
  it("keeps a request id as it is and makes approver ids label-safe", () => {
    expect(approvalLabels(approval)).toEqual({
      "modelgate-approval-id": "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
      "modelgate-approved-by": "alice--bob_smith_example_com",
      "modelgate-approved-at": String(Date.parse("2026-11-29T21:40:00.000Z") / 1000),
    });
    expect(labelSafe("Zoë Ünal (SRE)")).toBe("zoë_ünal_sre_");
  });

  it("cuts a long approver list at 64 characters, still a valid label", () => {
    const many = { ...approval, approvedBy: Array.from({ length: 10 }, (_, i) => `approver-number-${i}@example.com`) };
    const labels = approvalLabels(many);
    expect([...labels["modelgate-approved-by"]!]).toHaveLength(64);
    for (const [k, v] of Object.entries(labels)) expect(labelProblem(k, v)).toBeUndefined();
  });
});

describe("approvals on Vertex AI", () => {
  it("labels the version with the approval next to its stage and the user's labels", async () => {
    await h.adapter.registerVersion({ modelName: "churn", tags: { team: "growth" } }, ctx());
    const written = await h.adapter.setStage("churn", "1", "PRODUCTION", ctx(), { reason: "promotion 6f0e", approval });
    expect(written).toMatchObject({ stage: "PRODUCTION", tags: { team: "growth" } });
    expect(Object.keys(written.tags).some((k) => k.startsWith("modelgate-"))).toBe(false);

    expect(await labelsOf("churn", "1")).toMatchObject({
      team: "growth",
      "modelgate-stage": "production",
      "modelgate-approval-id": "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
      "modelgate-approved-by": "alice--bob_smith_example_com",
      "modelgate-approved-at": "1795988400",
    });
    expect((await h.adapter.getVersion("churn", "1", ctx())).tags).toEqual({ team: "growth" });
  });

  it("replaces the approval of an earlier request, and keeps it through a write without one", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.setStage("churn", "1", "STAGING", ctx(), { approval });
    const rollback: WriteApproval = { requestId: "0b9d6a2e-1f3c-4d8e-8a7b-5c6d7e8f9a0b", approvedBy: ["carol"], approvedAt: new Date("2026-11-30T08:00:00Z") };
    await h.adapter.setStage("churn", "1", "PRODUCTION", ctx(), { approval: rollback });
    expect(await labelsOf("churn", "1")).toMatchObject({ "modelgate-approval-id": rollback.requestId, "modelgate-approved-by": "carol" });

    await h.adapter.setStage("churn", "1", "ARCHIVED", ctx(), { reason: "replaced" });
    expect(await labelsOf("churn", "1")).toMatchObject({ "modelgate-stage": "archived", "modelgate-approval-id": rollback.requestId });
  });
});
