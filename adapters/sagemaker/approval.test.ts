/**
 * An approved promotion on SageMaker (moto), read back with the AWS SDK's DescribeModelPackage:
 * ApprovalDescription names the request, its approvers and time, and the customer metadata
 * `modelgate:approval-id` holds the request id, while the rest of the approval field set is kept.
 */
import { DescribeModelPackageCommand, type SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterLogger, WriteApproval } from "../../src/core/index.js";
import { ctx, motoAdapter, packageArn, rawClient, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";
import { approvalDescription } from "./writes.js";

const REGION = "eu-central-1";
const prefix = uniquePrefix("approval");
const warnings: string[] = [];
const logger: AdapterLogger = { debug() {}, info() {}, warn: (_obj, msg) => warnings.push(msg ?? ""), error() {} };
let adapter: SageMakerAdapter;
let raw: SageMakerClient;

const approval: WriteApproval = {
  requestId: "6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44",
  approvedBy: ["alice", "bob@example.com"],
  approvedAt: new Date("2026-11-29T21:40:00.000Z"),
};

beforeAll(async () => {
  adapter = await motoAdapter(REGION, {}, { logger });
  raw = rawClient(REGION);
});
afterAll(async () => {
  await adapter?.close();
  raw?.destroy();
});

const describeRaw = (group: string, n: number) => raw.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn(REGION, group, n) }));

describe("approvals on SageMaker", () => {
  it("formats the approval comment SageMaker Studio shows", () => {
    expect(approvalDescription(approval, undefined)).toBe(
      "modelgate request 6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44 approved by alice, bob@example.com at 2026-11-29T21:40:00.000Z",
    );
    expect(approvalDescription({ ...approval, approvedBy: ["carol"] }, "rollback 6f0e: bad canary")).toBe(
      "modelgate request 6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44 approved by carol at 2026-11-29T21:40:00.000Z: rollback 6f0e: bad canary",
    );
  });

  it("writes ApprovalDescription and modelgate:approval-id with the approval status, keeping the rest", async () => {
    const name = `${prefix}-write`;
    await adapter.registerVersion({ modelName: name, tags: { team: "risk" }, metrics: { auc: 0.91 } }, ctx());
    const v = await adapter.setStage(name, "1", "PRODUCTION", ctx(), { reason: "promotion 6f0e: eval passed", approval });
    expect(v).toMatchObject({ stage: "PRODUCTION", nativeStage: "Approved", tags: { team: "risk" }, metrics: { auc: 0.91 } });
    expect(v.tags).not.toHaveProperty("modelgate:approval-id");

    const native = await describeRaw(name, 1);
    expect(native.ModelApprovalStatus).toBe("Approved");
    expect(native.ApprovalDescription).toBe(
      "modelgate request 6f0e2c1a-8d4b-4e55-9a0c-3b7d2f1e9c44 approved by alice, bob@example.com at 2026-11-29T21:40:00.000Z: promotion 6f0e: eval passed",
    );
    expect(native.CustomerMetadataProperties).toMatchObject({
      "modelgate:approval-id": approval.requestId,
      "modelgate:stage": "PRODUCTION",
      team: "risk",
      "metric:auc": "0.91",
    });
  });

  it("keeps the approval id when a later write without approval demotes the version", async () => {
    const name = `${prefix}-demote`;
    await adapter.registerVersion({ modelName: name }, ctx());
    await adapter.setStage(name, "1", "PRODUCTION", ctx(), { approval });
    await adapter.setStage(name, "1", "ARCHIVED", ctx(), { reason: "promotion 0b9d: replaced by 2" });
    const native = await describeRaw(name, 1);
    expect(native.ModelApprovalStatus).toBe("Rejected");
    expect(native.ApprovalDescription).toBe("promotion 0b9d: replaced by 2");
    expect(native.CustomerMetadataProperties?.["modelgate:approval-id"]).toBe(approval.requestId);
  });

  it("puts the approval in ApprovalDescription only when the metadata is full (50 entries), with a warning", async () => {
    const name = `${prefix}-full`;
    const tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, "x"]));
    await adapter.registerVersion({ modelName: name, tags }, ctx());
    expect(Object.keys((await describeRaw(name, 1)).CustomerMetadataProperties ?? {})).toHaveLength(50);

    await adapter.setStage(name, "1", "PRODUCTION", ctx(), { approval });
    const native = await describeRaw(name, 1);
    expect(native.ModelApprovalStatus).toBe("Approved");
    expect(native.ApprovalDescription).toContain(`modelgate request ${approval.requestId} approved by alice, bob@example.com`);
    expect(native.CustomerMetadataProperties).not.toHaveProperty("modelgate:approval-id");
    expect(Object.keys(native.CustomerMetadataProperties ?? {})).toHaveLength(50);
    expect(warnings.some((w) => w.includes("no room for modelgate:approval-id"))).toBe(true);
  });
});
