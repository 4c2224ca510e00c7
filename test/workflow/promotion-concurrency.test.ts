/** Races, idempotency keys and compare-and-set, through the real gateway. */
import { afterEach, describe, expect, it } from "vitest";
import { PROMOTE, auditActions, startWorkflowGateway, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const ONE_APPROVAL = { policies: { rules: [{ gates: { approvals: 1 } }] } };
const input = (extra: Record<string, unknown> = {}) => ({
  input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15", ...extra },
});

describe("concurrency", () => {
  it("lets exactly one of two racing requests for the same model and environment win", async () => {
    gw = await startWorkflowGateway({ config: ONE_APPROVAL });
    const results = await Promise.all(
      ["first", "second", "third"].map((reason) => gw!.as("alice", PROMOTE, input({ reason }))),
    );
    const payloads = results.map((r) => r.data!.promotionRequest);
    const winners = payloads.filter((p) => p.promotionRequest !== null);
    const losers = payloads.filter((p) => p.promotionRequest === null);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(2);
    for (const l of losers) {
      expect(l.userErrors).toEqual([
        { field: ["input", "model"], code: "CONFLICT", message: expect.stringContaining("example/support-triage/production already has an open request") },
      ]);
    }
    expect(await auditActions(gw, "promotion.request")).toHaveLength(1);
    // Another environment is another slot.
    const staging = await gw.as("alice", PROMOTE, input({ environment: "staging" }));
    expect(staging.data?.promotionRequest.userErrors).toEqual([]);
  });

  it("replays an idempotency key: same input returns the first request and does nothing again", async () => {
    gw = await startWorkflowGateway({ config: ONE_APPROVAL });
    const key = { idempotencyKey: "ci-run-1234-promote" };
    const first = (await gw.as("alice", PROMOTE, input(key))).data!.promotionRequest;
    const again = (await gw.as("alice", PROMOTE, input(key))).data!.promotionRequest;
    expect(first).toMatchObject({ replayed: false, userErrors: [] });
    expect(again).toMatchObject({ replayed: true, userErrors: [], promotionRequest: { id: first.promotionRequest.id, status: "PENDING" } });
    expect(await auditActions(gw, "promotion.request")).toHaveLength(1);

    const different = (await gw.as("alice", PROMOTE, input({ ...key, reason: "something else" }))).data!.promotionRequest;
    expect(different).toEqual({
      replayed: false,
      promotionRequest: null,
      userErrors: [
        {
          field: ["input", "idempotencyKey"],
          code: "CONFLICT",
          message: `idempotency key "ci-run-1234-promote" was already used for a different request (${requestUuid(first.promotionRequest.id)}); use a new key for a new request`,
        },
      ],
    });
  });

  it("compare-and-set: refuses when the expected current version is not the one in the stage", async () => {
    gw = await startWorkflowGateway({ config: ONE_APPROVAL });
    const stale = (await gw.as("alice", PROMOTE, input({ expectedCurrentVersion: "13" }))).data!.promotionRequest;
    expect(stale.userErrors).toEqual([
      { field: ["input", "expectedCurrentVersion"], code: "CONFLICT", message: "expected version 13 in PRODUCTION, but 14 is; re-read and retry" },
    ]);
    expect(await auditActions(gw, "promotion.request")).toEqual([]);
    const fresh = (await gw.as("alice", PROMOTE, input({ expectedCurrentVersion: "14" }))).data!.promotionRequest;
    expect(fresh.userErrors).toEqual([]);
    expect(fresh.promotionRequest.previousVersions).toEqual(["14"]);
  });
});

/** The request's own id inside its opaque global id. */
function requestUuid(globalId: string): string {
  const text = Buffer.from(globalId, "base64url").toString("utf8");
  return (JSON.parse(text.slice("mg1:".length)) as string[])[1]!;
}
