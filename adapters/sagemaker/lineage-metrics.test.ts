/**
 * Lineage, params and metrics: what SageMaker has fields for (MetadataProperties, ModelMetrics,
 * the container's model data) and what the adapter keeps in CustomerMetadataProperties.
 */
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, DescribeModelPackageCommand, type SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, motoAdapter, packageArn, rawClient, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";
import { PLACEHOLDER_CONTAINER_IMAGE } from "./config.js";

const REGION = "eu-west-2";
const prefix = uniquePrefix("lin");
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

describe("lineage and metrics", () => {
  it("writes lineage to MetadataProperties and metadata, and reads all of it back", async () => {
    const name = `${prefix}-written`;
    const written = await adapter.registerVersion(
      {
        modelName: name,
        artifactUri: "s3://models/churn/7/model.tar.gz",
        description: "weekly retrain",
        params: { learning_rate: 0.05, optimizer: "adam", layers: [64, 32] },
        metrics: { auc: 0.913, loss: 0.21 },
        lineage: {
          runId: "arn:aws:sagemaker:eu-west-2:123456789012:training-job/churn-7",
          runLink: "https://ci.example.com/runs?id=7&attempt=1",
          codeCommit: "9f8e7d6c",
          datasetHash: "sha256:abc123",
          parentModel: "churn@6",
        },
      },
      ctx(),
    );
    const expected = {
      artifactUri: "s3://models/churn/7/model.tar.gz",
      description: "weekly retrain",
      params: { learning_rate: "0.05", optimizer: "adam", layers: "[64,32]" },
      metrics: { auc: 0.913, loss: 0.21 },
      lineage: {
        runId: "arn:aws:sagemaker:eu-west-2:123456789012:training-job/churn-7",
        runLink: "https://ci.example.com/runs?id=7&attempt=1",
        codeCommit: "9f8e7d6c",
        datasetHash: "sha256:abc123",
        parentModel: "churn@6",
      },
      createdBy: "sagemaker-tester",
      stage: "NONE",
      nativeStage: "PendingManualApproval",
    };
    expect(written).toMatchObject(expected);
    expect(await adapter.getVersion(name, "1", ctx())).toMatchObject(expected);

    const native = await raw.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn(REGION, name, 1) }));
    expect(native.MetadataProperties).toEqual({ CommitId: "9f8e7d6c", GeneratedBy: "arn:aws:sagemaker:eu-west-2:123456789012:training-job/churn-7" });
    expect(native.InferenceSpecification?.Containers).toEqual([{ Image: PLACEHOLDER_CONTAINER_IMAGE, ModelDataUrl: "s3://models/churn/7/model.tar.gz" }]);
    const cmp = native.CustomerMetadataProperties ?? {};
    expect(cmp).toMatchObject({ "param:learning_rate": "0.05", "param:optimizer": "adam", "metric:auc": "0.913", "modelgate:lineage:parentModel": "churn@6" });
    // A value outside SageMaker's character set ('?', '&', JSON) is stored encoded, within the rules.
    expect(cmp["modelgate:lineage:runLink"]).toMatch(/^b64:[A-Za-z0-9+/=]+$/);
    expect(cmp["param:layers"]).toMatch(/^b64:/);
    for (const [key, value] of Object.entries(cmp)) {
      expect(key).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u);
      expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u);
    }
  });

  it("reads a version registered natively: MetadataProperties, ModelMetrics reports and metadata tags", async () => {
    const name = `${prefix}-native`;
    await raw.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: name }));
    await raw.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: name,
        ModelApprovalStatus: "Approved",
        InferenceSpecification: { Containers: [{ Image: "serve:1", ModelDataUrl: "s3://bucket/native/model.tar.gz" }] },
        MetadataProperties: { CommitId: "abc1234", Repository: "https://git.example.com/ml/churn", GeneratedBy: "arn:aws:sagemaker:eu-west-2:123456789012:pipeline-execution/p/1", ProjectId: "p-1234" },
        ModelMetrics: {
          ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: "s3://bucket/native/quality.json" } },
          Bias: { Report: { ContentType: "application/json", S3Uri: "s3://bucket/native/bias.json" } },
        },
        CustomerMetadataProperties: { team: "growth", "metric:accuracy": "0.87" },
      }),
    );
    const v = await adapter.getVersion(name, "1", ctx());
    expect(v).toMatchObject({
      stage: "PRODUCTION",
      nativeStage: "Approved",
      artifactUri: "s3://bucket/native/model.tar.gz",
      tags: { team: "growth" },
      metrics: { accuracy: 0.87 },
      lineage: { codeCommit: "abc1234", runId: "arn:aws:sagemaker:eu-west-2:123456789012:pipeline-execution/p/1" },
      params: {
        "sagemaker:repository": "https://git.example.com/ml/churn",
        "sagemaker:projectId": "p-1234",
        "sagemaker:modelMetrics.ModelQuality.Statistics": "s3://bucket/native/quality.json",
        "sagemaker:modelMetrics.Bias.Report": "s3://bucket/native/bias.json",
      },
      // moto's stand-in for the SageMaker Studio user who created it.
      createdBy: "fake-user-profile-name",
    });
    expect(v.generationConfig).toBeUndefined();
  });

  it("refuses lineage, tags and artifacts SageMaker cannot hold, naming the field", async () => {
    const name = `${prefix}-refused`;
    const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: { code: string; field?: string }) => `${e.code} ${e.field}`);
    expect(await codeOf(adapter.registerVersion({ modelName: name, artifactUri: "gs://bucket/model" }, ctx()))).toBe("INVALID_INPUT artifactUri");
    expect(await codeOf(adapter.registerVersion({ modelName: name, tags: { "modelgate:stage": "PRODUCTION" } }, ctx()))).toBe("INVALID_INPUT tags.modelgate:stage");
    expect(await codeOf(adapter.registerVersion({ modelName: name, tags: { "a,b": "c" } }, ctx()))).toBe("INVALID_INPUT tags.a,b");
    expect(await codeOf(adapter.registerVersion({ modelName: name, description: "two\nlines" }, ctx()))).toBe("INVALID_INPUT description");
    expect(await codeOf(adapter.registerVersion({ modelName: name, metrics: { auc: Number.NaN } }, ctx()))).toBe("INVALID_INPUT metrics.auc");
    expect(await codeOf(adapter.registerVersion({ modelName: name, lineage: { datasetHash: "x".repeat(300) } }, ctx()))).toBe("INVALID_INPUT lineage.datasetHash");
    expect(await codeOf(adapter.registerVersion({ modelName: "under_score" }, ctx()))).toBe("INVALID_INPUT modelName");
    // Nothing was written by the refused calls.
    expect(await codeOf(adapter.getModel(name, ctx()))).toBe("NOT_FOUND undefined");
  });
});
