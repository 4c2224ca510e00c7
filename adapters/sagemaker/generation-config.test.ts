/** Generation configs: base64 chunks of the version's metadata, within SageMaker's limits. */
import { DescribeModelPackageCommand, UpdateModelPackageCommand, type SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerationConfig } from "../../src/core/index.js";
import { ctx, motoAdapter, packageArn, rawClient, silentLogger, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";

const REGION = "us-west-2";
const prefix = uniquePrefix("gen");
let adapter: SageMakerAdapter;
let raw: SageMakerClient;
const warnings: string[] = [];

beforeAll(async () => {
  // A logger that keeps warnings, to see what the adapter reports about unreadable metadata.
  adapter = await motoAdapter(REGION, {}, { logger: { ...silentLogger, warn: (_o: object, m?: string) => void warnings.push(m ?? "") } });
  raw = rawClient(REGION);
});
afterAll(async () => {
  await adapter?.close();
  raw?.destroy();
});

const describeRaw = (group: string, n: number) => raw.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn(REGION, group, n) }));

describe("generation configs", () => {
  it("round-trips a small config", async () => {
    const name = `${prefix}-small`;
    const config: GenerationConfig = { model: "gpt-5-mini-2026-06-10", promptRef: "triage@3", params: { temperature: 0.2 } };
    const written = await adapter.registerVersion({ modelName: name, generationConfig: config }, ctx());
    expect(written.generationConfig).toEqual(config);
    expect((await adapter.getVersion(name, "1", ctx())).generationConfig).toEqual(config);
    const cmp = (await describeRaw(name, 1)).CustomerMetadataProperties ?? {};
    expect(cmp["modelgate:generation-config:chunks"]).toBe("1");
  });

  it("round-trips a config larger than one metadata value, across chunks, and survives a stage write", async () => {
    const name = `${prefix}-large`;
    const config: GenerationConfig = {
      model: "claude-x@20260101",
      promptRef: "support-triage@12",
      toolsRef: "support-tools@4",
      params: { temperature: 0.1, max_tokens: 2048, stop: ["\n\nHuman:", "</answer>"], system: "Answer in \"plain\" English, {please}. ".repeat(12) },
      eval: { suite: "triage-golden", score: 0.94, run: "2026-06-01", artifactUri: "s3://evals/triage/12.json" },
      approvedBy: "alice@example.com",
    };
    await adapter.registerVersion({ modelName: name, generationConfig: config }, ctx());
    const cmp = (await describeRaw(name, 1)).CustomerMetadataProperties ?? {};
    const chunks = Number(cmp["modelgate:generation-config:chunks"]);
    expect(chunks).toBeGreaterThan(2);
    for (let i = 0; i < chunks; i++) expect(cmp[`modelgate:generation-config:${i}`]?.length).toBeLessThanOrEqual(256);

    await adapter.setStage(name, "1", "PRODUCTION", ctx());
    expect((await adapter.getVersion(name, "1", ctx())).generationConfig).toEqual(config);
  });

  it("refuses a config that does not fit in SageMaker's 50 metadata entries", async () => {
    const name = `${prefix}-huge`;
    const config: GenerationConfig = { model: "m-2026-01-01", params: { blob: "x".repeat(50 * 256) } };
    const err = await adapter.registerVersion({ modelName: name, generationConfig: config }, ctx()).catch((e: { code: string; message: string }) => e);
    expect(err).toMatchObject({ code: "INVALID_INPUT" });
    expect((err as { message: string }).message).toMatch(/metadata entries .* at most 50 per version/);
  });

  it("serves a version whose config chunks were damaged without a config, and says so", async () => {
    const name = `${prefix}-broken`;
    await adapter.registerVersion({ modelName: name, generationConfig: { model: "m-2026-01-01", params: {} } }, ctx());
    const current = await describeRaw(name, 1);
    const damaged = { ...current.CustomerMetadataProperties, "modelgate:generation-config:chunks": "3" };
    await raw.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: packageArn(REGION, name, 1),
        ModelApprovalStatus: "PendingManualApproval",
        CustomerMetadataProperties: damaged,
      }),
    );
    warnings.length = 0;
    const v = await adapter.getVersion(name, "1", ctx());
    expect(v.generationConfig).toBeUndefined();
    expect(warnings).toEqual([`version 1 of "${name}" has an unreadable generation config in its SageMaker metadata; it is served without one`]);
  });
});
