/**
 * An approved promotion on MLflow: the version tags `modelgate.approval.*`, read back through
 * MLflow's own REST API (model-versions/get), and kept out of the version's user tags.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriteApproval } from "../../src/core/index.js";
import { ctx, deleteModelsWithPrefix, makeAdapter, mlflowRest, sharedMlflowUrl, uniquePrefix } from "../../test/mlflow/helpers.js";
import type { MlflowAdapter } from "./adapter.js";

interface WireVersion {
  model_version: { version: string; aliases?: string[]; tags?: { key: string; value: string }[] };
}

const prefix = uniquePrefix("approval");
let adapter: MlflowAdapter;
let url: string;

const approval: WriteApproval = {
  requestId: "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
  approvedBy: ["alice", "bob@example.com"],
  approvedAt: new Date("2026-11-29T21:40:00.000Z"),
};

async function nativeTags(name: string, version: string): Promise<Record<string, string>> {
  const res = await mlflowRest<WireVersion>(url, "GET", "model-versions/get", { name, version });
  return Object.fromEntries((res.model_version.tags ?? []).map((t) => [t.key, t.value]));
}

beforeAll(() => {
  url = sharedMlflowUrl();
  adapter = makeAdapter();
});
afterAll(async () => {
  await adapter.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("approvals on MLflow", () => {
  it("tags the version with the request, its approvers and time, next to the stage", async () => {
    const name = `${prefix}-tags`;
    await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/approval/1", tags: { team: "growth" } }, ctx());
    const written = await adapter.setStage(name, "1", "PRODUCTION", ctx(), { reason: "promotion 6f0e: eval passed", approval });
    expect(written).toMatchObject({ stage: "PRODUCTION", tags: { team: "growth" } });
    expect(Object.keys(written.tags).some((k) => k.startsWith("modelgate."))).toBe(false);

    expect(await nativeTags(name, "1")).toMatchObject({
      "modelgate.stage": "PRODUCTION",
      "modelgate.approval.request_id": "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
      "modelgate.approval.approved_by": "alice, bob@example.com",
      "modelgate.approval.approved_at": "2026-11-29T21:40:00.000Z",
      team: "growth",
    });
    const read = await adapter.getVersion(name, "1", ctx());
    expect(read.tags).toEqual({ team: "growth" });
  });

  it("replaces the approval of an earlier request, and writes none without one", async () => {
    const name = `${prefix}-again`;
    await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/approval/2" }, ctx());
    await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/approval/3" }, ctx());
    await adapter.setStage(name, "1", "STAGING", ctx(), { approval });
    const rollback: WriteApproval = { requestId: "0b9d6a2e-1f3c-4d8e-8a7b-5c6d7e8f9a0b", approvedBy: ["carol"], approvedAt: new Date("2026-11-30T08:00:00Z") };
    await adapter.setStage(name, "1", "PRODUCTION", ctx(), { approval: rollback });
    expect(await nativeTags(name, "1")).toMatchObject({
      "modelgate.approval.request_id": rollback.requestId,
      "modelgate.approval.approved_by": "carol",
      "modelgate.approval.approved_at": "2026-11-30T08:00:00.000Z",
    });

    await adapter.setStage(name, "2", "STAGING", ctx(), { reason: "no approval" });
    expect(Object.keys(await nativeTags(name, "2")).filter((k) => k.startsWith("modelgate.approval."))).toEqual([]);
  });
});
