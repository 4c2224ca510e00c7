/**
 * The gateway stage on SageMaker, as SageMaker (moto) holds it: ModelApprovalStatus, the
 * `modelgate:stage` metadata, and the full approval field set every update sends.
 */
import { DescribeModelPackageCommand, UpdateModelPackageCommand, type SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stage } from "../../src/core/index.js";
import { ctx, motoAdapter, packageArn, rawClient, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";
import { approvalStatusOf, readStage, stageOfApprovalStatus } from "./stage-projection.js";

const REGION = "eu-west-1";
const prefix = uniquePrefix("stage");
let adapter: SageMakerAdapter;
let raw: SageMakerClient;

beforeAll(async () => {
  adapter = await motoAdapter(REGION);
  raw = rawClient(REGION);
});
afterAll(async () => {
  await adapter?.close();
  raw?.destroy();
});

const describeRaw = (group: string, n: number) => raw.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn(REGION, group, n) }));

describe("stage projection (pure)", () => {
  it("maps stages to approval statuses and back", () => {
    expect((["NONE", "STAGING", "SHADOW", "PRODUCTION", "ARCHIVED"] as Stage[]).map(approvalStatusOf)).toEqual([
      "PendingManualApproval",
      "PendingManualApproval",
      "PendingManualApproval",
      "Approved",
      "Rejected",
    ]);
    expect(stageOfApprovalStatus("Approved")).toBe("PRODUCTION");
    expect(stageOfApprovalStatus("Rejected")).toBe("ARCHIVED");
    expect(stageOfApprovalStatus("PendingManualApproval")).toBe("NONE");
    expect(stageOfApprovalStatus(undefined)).toBe("NONE");
  });

  it("lets the metadata stage win only while it agrees with the approval status", () => {
    expect(readStage("SHADOW", "PendingManualApproval")).toBe("SHADOW");
    expect(readStage("STAGING", undefined)).toBe("STAGING");
    expect(readStage("STAGING", "Approved")).toBe("PRODUCTION");
    expect(readStage("PRODUCTION", "PendingManualApproval")).toBe("NONE");
    expect(readStage(undefined, "Rejected")).toBe("ARCHIVED");
  });
});

describe("stages on SageMaker", () => {
  it("writes each stage as ModelApprovalStatus plus modelgate:stage, and reads it back", async () => {
    const name = `${prefix}-each`;
    await adapter.registerVersion({ modelName: name }, ctx());
    const created = await describeRaw(name, 1);
    expect(created.ModelApprovalStatus).toBe("PendingManualApproval");
    expect(created.CustomerMetadataProperties?.["modelgate:stage"]).toBe("NONE");

    const expected: [Stage, string][] = [
      ["STAGING", "PendingManualApproval"],
      ["SHADOW", "PendingManualApproval"],
      ["PRODUCTION", "Approved"],
      ["ARCHIVED", "Rejected"],
      ["NONE", "PendingManualApproval"],
    ];
    for (const [stage, status] of expected) {
      const written = await adapter.setStage(name, "1", stage, ctx(), { reason: `to ${stage}` });
      expect(written).toMatchObject({ stage, nativeStage: status });
      const native = await describeRaw(name, 1);
      expect(native.ModelApprovalStatus).toBe(status);
      expect(native.CustomerMetadataProperties?.["modelgate:stage"]).toBe(stage);
      expect(native.ApprovalDescription).toBe(`to ${stage}`);
    }
  });

  it("sends the full approval field set, so nothing an update leaves out is lost", async () => {
    const name = `${prefix}-full`;
    await adapter.registerVersion({ modelName: name, tags: { team: "risk" }, metrics: { auc: 0.91 } }, ctx());
    await adapter.setStage(name, "1", "STAGING", ctx(), { reason: "ready for review" });

    // The bug this protects against: an update that names only the status clears the rest in moto.
    const other = `${prefix}-partial`;
    await adapter.registerVersion({ modelName: other, tags: { team: "risk" } }, ctx());
    await raw.send(new UpdateModelPackageCommand({ ModelPackageArn: packageArn(REGION, other, 1), ModelApprovalStatus: "Approved" }));
    const cleared = await describeRaw(other, 1);
    expect(cleared.CustomerMetadataProperties).toBeUndefined();

    // The adapter's stage write without a reason keeps the description, tags, metrics and stage.
    const v = await adapter.setStage(name, "1", "SHADOW", ctx());
    expect(v).toMatchObject({ stage: "SHADOW", tags: { team: "risk" }, metrics: { auc: 0.91 } });
    const native = await describeRaw(name, 1);
    expect(native.ApprovalDescription).toBe("ready for review");
    expect(native.CustomerMetadataProperties).toMatchObject({ team: "risk", "metric:auc": "0.91", "modelgate:stage": "SHADOW", "modelgate:created-by": "sagemaker-tester" });
  });

  it("reads a version whose status was changed natively by its approval status", async () => {
    const name = `${prefix}-native`;
    await adapter.registerVersion({ modelName: name }, ctx());
    await adapter.setStage(name, "1", "STAGING", ctx());
    const arn = packageArn(REGION, name, 1);
    const current = await describeRaw(name, 1);
    // Approved in SageMaker Studio, say: the metadata still says STAGING.
    await raw.send(
      new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: "Approved", CustomerMetadataProperties: current.CustomerMetadataProperties }),
    );
    expect(await adapter.getVersion(name, "1", ctx())).toMatchObject({ stage: "PRODUCTION", nativeStage: "Approved" });
    const production = await adapter.listVersions(name, { first: 10, filter: { stage: "PRODUCTION" } }, ctx());
    expect(production.items.map((v) => v.version)).toEqual(["1"]);
    const staging = await adapter.listVersions(name, { first: 10, filter: { stage: "STAGING" } }, ctx());
    expect(staging.items).toEqual([]);
  });

  it("tells apart the stages that share PendingManualApproval when filtering", async () => {
    const name = `${prefix}-filter`;
    for (let i = 0; i < 4; i++) await adapter.registerVersion({ modelName: name }, ctx());
    await adapter.setStage(name, "2", "STAGING", ctx());
    await adapter.setStage(name, "3", "SHADOW", ctx());
    await adapter.setStage(name, "4", "PRODUCTION", ctx());
    const byStage = async (stage: Stage) => (await adapter.listVersions(name, { first: 10, filter: { stage } }, ctx())).items.map((v) => v.version);
    expect(await byStage("NONE")).toEqual(["1"]);
    expect(await byStage("STAGING")).toEqual(["2"]);
    expect(await byStage("SHADOW")).toEqual(["3"]);
    expect(await byStage("PRODUCTION")).toEqual(["4"]);
    expect(await byStage("ARCHIVED")).toEqual([]);
  });

  it("refuses to report a stage write SageMaker did not keep: ModelLifeCycle on a service that drops it", async () => {
    const strict = await motoAdapter(REGION, { modelLifeCycle: true }, { id: "sm-lifecycle" });
    try {
      const name = `${prefix}-lifecycle`;
      await strict.registerVersion({ modelName: name }, ctx());
      // moto accepts ModelLifeCycle and does not store it; AWS stores it.
      const err = await strict.setStage(name, "1", "PRODUCTION", ctx()).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err?.code).toBe("CONFLICT");
      expect(err?.message).toContain("ModelLifeCycle was not kept");
      // The approval status was written all the same.
      expect((await describeRaw(name, 1)).ModelApprovalStatus).toBe("Approved");
    } finally {
      await strict.close();
    }
  });
});
