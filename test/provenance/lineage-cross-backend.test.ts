/**
 * Lineage across backends against the real peers: a distillation chain from an MLflow teacher
 * through a SageMaker student (whose base model is an MLflow version, named by its models:/ URI)
 * to a git-YAML re-distilled student; a SageMaker model package registered outside the gateway
 * (its base model an MLflow alias URI) named back by its ARN from MLflow, whatever the case of its
 * group, and not in another account or region; a dangling outside reference; impact of the dataset; the
 * depth and node limits; model cards mirrored to MLflow and SageMaker; and a model signature verified over
 * s3:// objects in moto's S3.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, DescribeModelCardCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCallContext, systemActor } from "../../src/core/index.js";
import { FleetIndex } from "../../src/workflow/provenance/fleet-index.js";
import { LineageWalker } from "../../src/workflow/provenance/lineage-graph.js";
import { VersionSignatures } from "../../src/workflow/provenance/signing/version-signatures.js";
import { signingSchema } from "../../src/config/schema.js";
import { venvBin } from "../peers/venv.js";
import { TEST_CREDENTIALS } from "../sagemaker/helpers.js";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../support/test-gateway.js";

const p = `lin${randomBytes(3).toString("hex")}`;
const DATASET = `sha256:${randomBytes(32).toString("hex")}`;
let gw: TestGateway;

interface Registered {
  modelVersionRegister: { modelVersion: { version: string } | null; userErrors: unknown[] };
}

async function register(backend: string, model: string, lineage: Record<string, string>): Promise<string> {
  const res = await gw.gql<Registered>(
    `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { field code message } } }`,
    { input: { backend, model, artifactUri: "s3://bucket/model/", params: { seed: 7 }, lineage } },
  );
  expect(res.errors, `${backend}/${model}`).toBeUndefined();
  expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
  return res.data!.modelVersionRegister.modelVersion!.version;
}

let base: string, teacher: string, student: string, re: string;

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      backends: [
        { id: "git", kind: "git-yaml", repo: "registry", seedFrom: EXAMPLE_SEED },
        { id: "mlflow", kind: "mlflow", trackingUri: inject("mlflowUrl") },
        { id: "sagemaker", kind: "sagemaker", region: "ap-southeast-2", endpoint: inject("motoUrl"), credentials: TEST_CREDENTIALS },
      ],
    },
  });
  base = await register("mlflow", `${p}-base`, { codeCommit: "aaa111" });
  teacher = await register("mlflow", `${p}-teacher`, { datasetHash: DATASET, codeCommit: "bbb222" });
  student = await register("sagemaker", `${p}-student`, { parentModel: `models:/${p}-base/${base}`, teacherModel: `mlflow/${p}-teacher@${teacher}`, datasetHash: DATASET });
  re = await register("git", `${p}-re`, { teacherModel: `sagemaker/${p}-student@${student}`, parentModel: "meta-llama/Llama-3.1-8B-Instruct" });
}, 120_000);

afterAll(() => gw?.stop());

interface Graph {
  lineage: {
    partial: boolean;
    limits: string[];
    nodes: { id: string; kind: string; dangling: boolean; problem: string | null; depth: number; hasMore: boolean }[];
    edges: { from: string; to: string; kind: string }[];
  };
}
const LINEAGE = `query($id: String!, $direction: LineageDirection!, $depth: Int!) { lineage(id: $id, direction: $direction, depth: $depth) {
  partial limits nodes { id kind dangling problem depth hasMore } edges { from to kind } } }`;

describe("lineage across backends", () => {
  it("walks a distillation chain upstream across git-YAML, SageMaker and MLflow, keeping a dangling reference", async () => {
    const res = await gw.gql<Graph>(LINEAGE, { id: `git/${p}-re@${re}`, direction: "UPSTREAM", depth: 10 });
    expect(res.errors).toBeUndefined();
    const g = res.data!.lineage;
    const edges = g.edges.map((e) => `${e.from} ${e.kind} ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        `version:sagemaker/${p}-student@${student} DISTILLED_FROM version:git/${p}-re@${re}`,
        `version:mlflow/${p}-teacher@${teacher} DISTILLED_FROM version:sagemaker/${p}-student@${student}`,
        `version:mlflow/${p}-base@${base} FINE_TUNED_FROM version:sagemaker/${p}-student@${student}`,
        `dataset:${DATASET} TRAINED_ON version:mlflow/${p}-teacher@${teacher}`,
        `commit:aaa111 BUILT_FROM_COMMIT version:mlflow/${p}-base@${base}`,
      ]),
    );
    const outside = g.nodes.find((n) => n.id === "ref:meta-llama/Llama-3.1-8B-Instruct");
    expect(outside).toMatchObject({ dangling: true, problem: expect.stringContaining("outside model id") });
    expect(g.partial).toBe(false);
  });

  it("answers impact for the dataset with every derived version and its path, and marks where a bounded walk stopped", async () => {
    const res = await gw.gql<{ impact: { versions: { modelVersion: { registryVersion: string }; path: string[] }[] } }>(
      `query($d: String!) { impact(dataset: $d) { versions { modelVersion { registryVersion } path } } }`,
      { d: DATASET },
    );
    expect(res.errors).toBeUndefined();
    const paths = Object.fromEntries(res.data!.impact.versions.map((v) => [v.modelVersion.registryVersion, v.path.join(">")]));
    expect(paths).toEqual({
      [`mlflow/${p}-teacher@${teacher}`]: "TRAINED_ON",
      [`sagemaker/${p}-student@${student}`]: "TRAINED_ON",
      [`git/${p}-re@${re}`]: "TRAINED_ON>DISTILLED_FROM",
    });

    const fromBase = await gw.gql<{ impact: { versions: { modelVersion: { registryVersion: string } }[] } }>(
      `query($v: String!) { impact(version: $v) { versions { modelVersion { registryVersion } } } }`,
      { v: `mlflow/${p}-base@${base}` },
    );
    expect(fromBase.data!.impact.versions.map((v) => v.modelVersion.registryVersion)).toEqual([`sagemaker/${p}-student@${student}`, `git/${p}-re@${re}`]);

    const shallow = await gw.gql<Graph>(LINEAGE, { id: `mlflow/${p}-teacher@${teacher}`, direction: "DOWNSTREAM", depth: 1 });
    const g = shallow.data!.lineage;
    expect(g.partial).toBe(true);
    expect(g.limits[0]).toContain("depth limit 1 reached downstream");
    expect(g.nodes.find((n) => n.id === `version:sagemaker/${p}-student@${student}`)).toMatchObject({ depth: 1, hasMore: true });

    const tooDeep = await gw.gql(LINEAGE, { id: `git/${p}-re@${re}`, direction: "UPSTREAM", depth: 11 });
    expect(tooDeep.errors?.[0]?.message).toBe("depth: must be 1 to 10, got 11");

    // The node limit, at 3 here (1,000 through the API).
    const services = gw.gateway.services;
    const ctx = createCallContext({ timeoutMs: 30_000, actor: systemActor("test") });
    const walker = new LineageWalker({ catalog: services.catalog, store: services.store, ctx, index: () => FleetIndex.build(services.catalog, services.store, ctx) });
    const capped = await walker.walk(await walker.start(`git/${p}-re@${re}`), "UPSTREAM", 10, 3);
    expect(capped.nodes).toHaveLength(3);
    expect(capped.partial).toBe(true);
    expect(capped.limits).toContain("node limit 3 reached: the graph is cut off (nodes with edges left out are marked hasMore)");
  });
});

describe("a SageMaker model package registered outside the gateway", () => {
  it("links to the MLflow version its base-model reference names (an alias URI), and an MLflow version names it back by its ARN", async () => {
    // A champion alias on the MLflow base, set with MLflow's own API.
    const mlflow = inject("mlflowUrl");
    const alias = await fetch(`${mlflow}/api/2.0/mlflow/registered-models/alias`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `${p}-base`, alias: "champion", version: base }),
    });
    expect(alias.ok, await alias.clone().text()).toBe(true);

    // A SageMaker pipeline registers a model package itself (no gateway involved), in a group whose
    // name has capitals (SageMaker writes it lower case in the package's ARN), with the base model
    // in the customer metadata key the gateway reads lineage from.
    const client = new SageMakerClient({ region: "ap-southeast-2", endpoint: inject("motoUrl"), credentials: { ...TEST_CREDENTIALS } });
    const group = `${p}-Ranker`;
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
    const created = await client.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: "PendingManualApproval",
        InferenceSpecification: {
          Containers: [{ Image: "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/ranker:1", ModelDataUrl: "s3://bucket/ranker/model.tar.gz" }],
          SupportedContentTypes: ["text/csv"],
          SupportedResponseMIMETypes: ["text/csv"],
        },
        CustomerMetadataProperties: { "modelgate:lineage:parentModel": `models:/${p}-base@champion` },
      }),
    );
    client.destroy();
    const arn = created.ModelPackageArn!;
    expect(arn).toBe(`arn:aws:sagemaker:ap-southeast-2:123456789012:model-package/${group.toLowerCase()}/1`);
    const ranker = `version:sagemaker/${group}@1`;
    const edges = (g: Graph["lineage"]) => g.edges.map((e) => `${e.from} ${e.kind} ${e.to}`);

    const up = await gw.gql<Graph>(LINEAGE, { id: `sagemaker/${group}@1`, direction: "UPSTREAM", depth: 2 });
    expect(up.errors).toBeUndefined();
    expect(edges(up.data!.lineage)).toEqual(expect.arrayContaining([`version:mlflow/${p}-base@${base} FINE_TUNED_FROM ${ranker}`, `commit:aaa111 BUILT_FROM_COMMIT version:mlflow/${p}-base@${base}`]));

    // The package's ARN, as SageMaker prints it, names the same version: as a lineage id and as a
    // reference in another backend.
    const byArn = await gw.gql<Graph>(LINEAGE, { id: arn, direction: "UPSTREAM", depth: 1 });
    expect(byArn.errors).toBeUndefined();
    expect(byArn.data!.lineage.nodes.find((n) => n.depth === 0)).toMatchObject({ id: ranker, dangling: false });
    const calibrated = await register("mlflow", `${p}-calibrated`, { parentModel: arn });
    const fromMlflow = await gw.gql<Graph>(LINEAGE, { id: `mlflow/${p}-calibrated@${calibrated}`, direction: "UPSTREAM", depth: 3 });
    expect(edges(fromMlflow.data!.lineage)).toEqual(
      expect.arrayContaining([`${ranker} FINE_TUNED_FROM version:mlflow/${p}-calibrated@${calibrated}`, `version:mlflow/${p}-base@${base} FINE_TUNED_FROM ${ranker}`]),
    );
    const down = await gw.gql<Graph>(LINEAGE, { id: `mlflow/${p}-base@${base}`, direction: "DOWNSTREAM", depth: 2 });
    expect(edges(down.data!.lineage)).toEqual(expect.arrayContaining([`version:mlflow/${p}-base@${base} FINE_TUNED_FROM ${ranker}`, `${ranker} FINE_TUNED_FROM version:mlflow/${p}-calibrated@${calibrated}`]));

    // The same package path in another account or region is another registry: not this package.
    for (const other of [arn.replace(":123456789012:", ":999999999999:"), arn.replace(":ap-southeast-2:", ":eu-west-1:")]) {
      const g = await gw.gql<Graph>(LINEAGE, { id: other, direction: "UPSTREAM", depth: 1 });
      expect(g.errors).toBeUndefined();
      const root = g.data!.lineage.nodes.find((n) => n.depth === 0)!;
      expect(root, other).toMatchObject({ dangling: true, problem: expect.stringContaining("no SageMaker backend serves") });
    }
  });
});

describe("model cards mirrored to MLflow and SageMaker", () => {
  it("writes the sections as the modelgate.card tag of the registered model and of a version, and removes it when cleared", async () => {
    const update = (input: Record<string, unknown>) =>
      gw.gql<{ modelCardUpdate: { mirror: { status: string }; userErrors: unknown[] } }>(
        `mutation($input: ModelCardUpdateInput!) { modelCardUpdate(input: $input) { mirror { status message } userErrors { message } } }`,
        { input },
      );
    const mlflow = inject("mlflowUrl");
    const tags = async (path: string) => {
      const body = (await (await fetch(`${mlflow}/api/2.0/mlflow/${path}`)).json()) as Record<string, { tags?: { key: string; value: string }[] }>;
      return Object.fromEntries((Object.values(body)[0]?.tags ?? []).map((t) => [t.key, t.value]));
    };
    expect((await update({ backend: "mlflow", model: `${p}-teacher`, sections: { intendedUse: "Teaching students." } })).data!.modelCardUpdate.mirror.status).toBe("MIRRORED");
    expect((await update({ backend: "mlflow", model: `${p}-teacher`, version: teacher, sections: { caveats: "Large." } })).data!.modelCardUpdate.mirror.status).toBe("MIRRORED");
    expect((await tags(`registered-models/get?name=${p}-teacher`))["modelgate.card"]).toBe('{"intendedUse":"Teaching students."}');
    expect((await tags(`model-versions/get?name=${p}-teacher&version=${teacher}`))["modelgate.card"]).toBe('{"caveats":"Large."}');
    expect((await update({ backend: "mlflow", model: `${p}-teacher`, version: teacher, sections: { caveats: "" } })).data!.modelCardUpdate.mirror.status).toBe("MIRRORED");
    expect((await tags(`model-versions/get?name=${p}-teacher&version=${teacher}`))["modelgate.card"]).toBeUndefined();

    // SageMaker: a Model Card per model (the group's name) and per version (<group>-v<n>).
    // (a copy: the SDK writes into the credentials object it is given)
    const client = new SageMakerClient({ region: "ap-southeast-2", endpoint: inject("motoUrl"), credentials: { ...TEST_CREDENTIALS } });
    const sections = { intendedUse: "Students.", caveats: "Small.", license: "mit" };
    expect((await update({ backend: "sagemaker", model: `${p}-student`, version: student, sections })).data!.modelCardUpdate.mirror.status).toBe("MIRRORED");
    const card = await client.send(new DescribeModelCardCommand({ ModelCardName: `${p}-student-v${student}` }));
    expect(JSON.parse(card.Content!)).toEqual({
      intended_uses: { intended_uses: "Students." },
      additional_information: { caveats_and_recommendations: "Small.", custom_details: { license: "mit" } },
    });
    client.destroy();
  });
});

describe("signatures over s3:// artifacts", () => {
  it("verifies a model_signing signature against the objects in moto's S3, naming an object the signature does not cover", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-s3sig-"));
    try {
      const model = join(dir, "model");
      await mkdir(model);
      await writeFile(join(model, "config.json"), '{"a": 1}\n');
      await writeFile(join(model, "weights.bin"), randomBytes(2048));
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      await writeFile(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
      const { stdout } = await promisify(execFile)(venvBin("model_signing"), ["sign", "key", "--private_key", join(dir, "key.pem"), "--signature", join(model, "model.sig"), model], { timeout: 120_000 });
      expect(stdout).toContain("Signing succeeded");
      // moto's server does not check request signatures: plain PUTs upload.
      const moto = inject("motoUrl");
      const bucket = `${p}-models`;
      expect((await fetch(`${moto}/${bucket}`, { method: "PUT" })).ok).toBe(true);
      const put = async (name: string, body: Buffer | string) => expect((await fetch(`${moto}/${bucket}/churn/v1/${name}`, { method: "PUT", body })).ok).toBe(true);
      for (const name of await readdir(model)) await put(name, await readFile(join(model, name)));

      const signing = signingSchema.parse({ keys: [{ id: "release", publicKey: publicKey.export({ type: "spki", format: "pem" }) }], cacheSeconds: 0, s3: { region: "us-east-1", endpoint: moto, credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey } } });
      const signatures = new VersionSignatures(signing, { configDir: dir });
      const version = { backendId: "s", modelName: "churn", version: "1", artifactUri: `s3://${bucket}/churn/v1/`, tags: {} } as never;
      expect(await signatures.verify(version)).toMatchObject({ verified: true, signer: { id: "release" }, fileCount: 2, signatureUri: `s3://${bucket}/churn/v1/model.sig` });

      // (moto refuses anonymous overwrites: an added object stands for a changed prefix.)
      await put("notes.txt", "not signed\n");
      expect(await signatures.verify(version)).toMatchObject({ verified: false, failure: { code: "UNSIGNED_FILE", files: ["notes.txt"] } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
