/**
 * Goal 6 of issue 12: p50 and p95 of reading one version and one alias directly through each
 * backend's own API, against the same read through the gateway (GraphQL `modelVersion`), in the
 * same run, one request at a time. Direct reads are what a script without the gateway does:
 * - git-YAML: `git show HEAD:<file>` and parse the YAML;
 * - MLflow: its REST API (`model-versions/get`, `registered-models/alias`);
 * - SageMaker (moto): `DescribeModelPackage`; an alias is a group tag, so `ListTags` on the group
 *   first (how modelgate keeps SageMaker aliases: adapters/sagemaker/group-tags.ts);
 * - Vertex AI (the proto fake): `GetModel` of `models/<id>@<version>` and `@<alias>`, Google's
 *   own Node client over gRPC.
 * The SageMaker and Vertex AI versions are registered and aliased through the gateway itself.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { DescribeModelPackageCommand, ListTagsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { credentials as grpcCredentials } from "@grpc/grpc-js";
import { ModelServiceClient, noCredentialsAuthClient } from "../adapters/vertex/client.js";
import { startMlflowServer } from "../test/peers/mlflow-server.js";
import { MOTO_ACCOUNT_ID, startMotoServer } from "../test/peers/moto-server.js";
import { startVertexFake } from "../test/peers/vertex/index.js";
import { startChild } from "./processes.js";

const run = promisify(execFile);
const READS = 200;
const WARMUP = 20;
const MODEL = "overhead-ranker";

export interface OverheadRow {
  backend: string;
  read: "version" | "alias";
  direct: { p50Ms: number; p95Ms: number };
  gateway: { p50Ms: number; p95Ms: number };
}

export interface OverheadReport {
  reads: number;
  rows: OverheadRow[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** p50/p95 of `direct` and `gateway`, alternated read by read so both see the same machine. */
async function pair(direct: () => Promise<unknown>, gateway: () => Promise<unknown>): Promise<Pick<OverheadRow, "direct" | "gateway">> {
  for (let i = 0; i < WARMUP; i++) await Promise.all([direct(), gateway()]);
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < READS; i++) {
    let t0 = performance.now();
    await direct();
    d.push(performance.now() - t0);
    t0 = performance.now();
    await gateway();
    g.push(performance.now() - t0);
  }
  const stats = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return { p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95) };
  };
  return { direct: stats(d), gateway: stats(g) };
}

async function ok(res: Response): Promise<unknown> {
  const body = (await res.json()) as { errors?: unknown; data?: Record<string, unknown> };
  if (!res.ok || body.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function runOverheadBench(opts: { root: string; dir: string; seed: string; gatewayArgs: (configPath: string) => string[] }): Promise<OverheadReport> {
  await mkdir(join(opts.dir, "mlflow"), { recursive: true });
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const [mlflow, moto, vertex] = await Promise.all([startMlflowServer({ dir: join(opts.dir, "mlflow") }), startMotoServer(), startVertexFake()]);
  const REGION = "eu-west-1";
  const PROJECT = "modelgate-overhead";
  const LOCATION = "europe-west4";
  const sagemaker = new SageMakerClient({ region: REGION, endpoint: moto.url, credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" } });
  const vertexClient = new ModelServiceClient({ apiEndpoint: vertex.host, port: vertex.port, sslCreds: grpcCredentials.createInsecure(), authClient: noCredentialsAuthClient(), projectId: PROJECT });
  try {
    const api = `${mlflow.url}/api/2.0/mlflow`;
    const post = (path: string, body: unknown) => fetch(`${api}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(ok);
    await post("registered-models/create", { name: MODEL });
    for (const v of [1, 2, 3]) await post("model-versions/create", { name: MODEL, source: `s3://bench/${MODEL}/${v}` });
    await post("registered-models/alias", { name: MODEL, alias: "production", version: "2" });

    const repo = join(opts.dir, "registry");
    const configPath = join(opts.dir, "modelgate.yaml");
    await writeFile(
      configPath,
      [
        "logLevel: warn",
        "server: { host: 127.0.0.1, port: 0, mode: production }",
        "dataDir: ./data",
        "backends:",
        "  - id: example",
        "    kind: git-yaml",
        `    repo: ${JSON.stringify(repo)}`,
        `    seedFrom: ${JSON.stringify(opts.seed)}`,
        "  - id: mlflow",
        "    kind: mlflow",
        `    trackingUri: ${mlflow.url}`,
        "  - id: sagemaker",
        "    kind: sagemaker",
        `    region: ${REGION}`,
        `    endpoint: ${moto.url}`,
        "    credentials: { accessKeyId: AKIDBENCH, secretAccessKey: bench }",
        "  - id: vertex",
        "    kind: vertex",
        `    project: ${PROJECT}`,
        `    location: ${LOCATION}`,
        `    apiEndpoint: ${vertex.endpoint}`,
        "    insecure: true",
        "",
      ].join("\n"),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
    for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_")) delete env[key];
    const { child, match } = await startChild("the gateway (overhead)", opts.gatewayArgs(configPath), { cwd: opts.root, env, ready: /listening on (http:\/\/\S+)/, timeoutMs: 90_000 });
    try {
      const graphql = `${match[1] as string}/graphql`;
      const viaGateway = (backend: string, model: string, by: { version: string } | { alias: string }) => () =>
        fetch(graphql, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: "query($b: String!, $m: String!, $v: String, $a: String) { modelVersion(backend: $b, model: $m, version: $v, alias: $a) { version stage artifactUri } }",
            variables: { b: backend, m: model, v: "version" in by ? by.version : null, a: "alias" in by ? by.alias : null },
          }),
        }).then(ok);
      const mutate = async (query: string, input: Record<string, unknown>): Promise<Record<string, { userErrors: unknown[] }>> => {
        const body = (await fetch(graphql, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables: { input } }) }).then(ok)) as {
          data: Record<string, { userErrors: unknown[] }>;
        };
        for (const payload of Object.values(body.data)) if (payload.userErrors.length > 0) throw new Error(`overhead seed: ${JSON.stringify(payload.userErrors)}`);
        return body.data;
      };
      for (const backend of ["sagemaker", "vertex"]) {
        for (const v of [1, 2, 3]) {
          await mutate("mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { userErrors { message } } }", {
            backend,
            model: MODEL,
            artifactUri: `s3://bench/${MODEL}/${v}/`,
          });
        }
        await mutate("mutation($input: AliasSetInput!) { aliasSet(input: $input) { userErrors { message } } }", { backend, model: MODEL, alias: "production", version: "2" });
      }
      const groupArn = `arn:aws:sagemaker:${REGION}:${MOTO_ACCOUNT_ID}:model-package-group/${MODEL}`;
      const packageArn = (version: string) => `arn:aws:sagemaker:${REGION}:${MOTO_ACCOUNT_ID}:model-package/${MODEL}/${version}`;
      const describe = (version: string) => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn(version) }));
      const vertexModel = (at: string) => vertexClient.getModel({ name: `projects/${PROJECT}/locations/${LOCATION}/models/${MODEL}@${at}` });
      const gitFile = async () => parse((await run("git", ["-C", repo, "show", "HEAD:models/support-triage.yaml"])).stdout) as { aliases: Record<string, string>; versions: { version: number }[] };
      const rows: OverheadRow[] = [
        {
          backend: "git-YAML",
          read: "version",
          ...(await pair(async () => (await gitFile()).versions.find((v) => String(v.version) === "14"), viaGateway("example", "support-triage", { version: "14" }))),
        },
        {
          backend: "git-YAML",
          read: "alias",
          ...(await pair(async () => {
            const file = await gitFile();
            return file.versions.find((v) => String(v.version) === file.aliases.champion);
          }, viaGateway("example", "support-triage", { alias: "champion" }))),
        },
        {
          backend: "MLflow",
          read: "version",
          ...(await pair(() => fetch(`${api}/model-versions/get?name=${MODEL}&version=2`).then(ok), viaGateway("mlflow", MODEL, { version: "2" }))),
        },
        {
          backend: "MLflow",
          read: "alias",
          ...(await pair(() => fetch(`${api}/registered-models/alias?name=${MODEL}&alias=production`).then(ok), viaGateway("mlflow", MODEL, { alias: "production" }))),
        },
        {
          backend: "SageMaker",
          read: "version",
          ...(await pair(() => describe("2"), viaGateway("sagemaker", MODEL, { version: "2" }))),
        },
        {
          backend: "SageMaker",
          read: "alias",
          ...(await pair(async () => {
            const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: groupArn }));
            const version = tags.Tags?.find((t) => t.Key === "modelgate:alias:production")?.Value;
            if (version === undefined) throw new Error("overhead: the SageMaker group has no production alias tag");
            return describe(version);
          }, viaGateway("sagemaker", MODEL, { alias: "production" }))),
        },
        {
          backend: "Vertex AI",
          read: "version",
          ...(await pair(() => vertexModel("2"), viaGateway("vertex", MODEL, { version: "2" }))),
        },
        {
          backend: "Vertex AI",
          read: "alias",
          ...(await pair(() => vertexModel("production"), viaGateway("vertex", MODEL, { alias: "production" }))),
        },
      ];
      return { reads: READS, rows };
    } finally {
      await child.stop();
    }
  } finally {
    sagemaker.destroy();
    await vertexClient.close();
    await Promise.allSettled([mlflow.stop(), moto.stop(), vertex.stop()]);
  }
}

export function printOverheadBench(r: OverheadReport): void {
  console.log(`overhead: one read at a time, ${r.reads} reads each (p50 / p95 ms)`);
  console.log("backend   read     direct p50  direct p95  gateway p50  gateway p95");
  for (const row of r.rows) {
    console.log(
      `${row.backend.padEnd(9)} ${row.read.padEnd(7)} ${row.direct.p50Ms.toFixed(2).padStart(11)} ${row.direct.p95Ms.toFixed(2).padStart(11)} ` +
        `${row.gateway.p50Ms.toFixed(2).padStart(12)} ${row.gateway.p95Ms.toFixed(2).padStart(12)}`,
    );
  }
}
