/**
 * The gateway the console tests drive: the example git-YAML registry, optionally a real MLflow
 * backend (the shared peer), config tokens (pat: publisher+approver, bob and carol: approvers,
 * vic: viewer, alice: publisher), one approval for production and an eval gate for MLflow models
 * going to production. Helpers arrange state through the API, as a pipeline would.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { createGateway, type CreateGatewayOptions } from "../../src/app/gateway.js";
import { configSchema } from "../../src/config/schema.js";
import { sha256Hex } from "../../src/http/auth.js";
import { startServer, type RunningServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { EXAMPLE_SEED, type GqlResult } from "../support/test-gateway.js";
import { APPROVE, EVAL, PROMOTE, TOKENS, waitForStatus, type WorkflowGateway, type Who } from "../workflow/workflow-gateway.js";

export const RANKER_SUITE = "ranker-eval";

const ROLES: Record<Who, string[]> = { alice: ["publisher"], bob: ["approver"], carol: ["approver"], vic: ["viewer"], pat: ["publisher", "approver"] };

export interface ConsoleGatewayOptions {
  mlflowUrl?: string;
  /** More config (e.g. `signing`), made in the gateway's directory before it starts (keys, model files). */
  configure?: (dir: string) => Promise<Record<string, unknown>>;
  /** More `policies` keys next to the rules (e.g. `lifecycle`). */
  policies?: Record<string, unknown>;
  /** More gateway options (e.g. `lifecycleClock`, `idleChecks: false`). */
  gatewayOptions?: Partial<CreateGatewayOptions>;
}

export async function startConsoleGateway(opts: ConsoleGatewayOptions = {}): Promise<WorkflowGateway> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-console-"));
  const repo = join(dir, "registry");
  const extra = opts.configure === undefined ? {} : await opts.configure(dir);
  const config = configSchema.parse({
    ...extra,
    logLevel: "silent",
    auth: { tokens: (Object.keys(TOKENS) as Who[]).map((who) => ({ subject: who, sha256: sha256Hex(TOKENS[who]), roles: ROLES[who] })) },
    // Generous deadlines: on a loaded test machine a slow git read must not time out or open a breaker.
    server: { port: 0, requestTimeoutMs: 120_000 },
    environments: { production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } },
    backends: [
      { id: "example", kind: "git-yaml", repo, seedFrom: EXAMPLE_SEED, timeoutMs: 60_000 },
      ...(opts.mlflowUrl === undefined ? [] : [{ id: "mlflow", kind: "mlflow", trackingUri: opts.mlflowUrl, timeoutMs: 60_000 }]),
    ],
    policies: {
      rules: [
        ...(opts.mlflowUrl === undefined
          ? []
          : [{ backend: "mlflow", environment: "production", toStages: ["PRODUCTION"], gates: { eval: { minScore: 0.8, suite: RANKER_SUITE }, approvals: 1 } }]),
        { environment: "production", toStages: ["PRODUCTION"], gates: { approvals: 1 } },
        { gates: {} },
      ],
      ...opts.policies,
    },
  });
  const gateway = await createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    {
      logger: createLogger("silent"),
      store: await openSqliteStore({ file: join(dir, "modelgate.db") }),
      outbox: { pollMs: 50, baseBackoffMs: 20 },
      drift: false,
      webhooks: false,
      ...opts.gatewayOptions,
    },
  );
  let server: RunningServer;
  try {
    server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
  } catch (err) {
    await gateway.close();
    throw err;
  }
  const close = async () => server.close();
  return {
    url: server.url,
    dir,
    repo,
    gateway,
    async as<T>(who: Who, query: string, variables?: Record<string, unknown>) {
      const res = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKENS[who]}` },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      return { status: res.status, ...((await res.json()) as Omit<GqlResult<T>, "status">) };
    },
    close,
    async stop() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Asserts a GraphQL answer has no errors and its payload no userErrors; returns the payload. */
export async function ok<T = Record<string, unknown>>(gw: WorkflowGateway, who: Who, query: string, variables: Record<string, unknown>, field: string): Promise<T> {
  const res = await gw.as(who, query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = res.data?.[field] as { userErrors?: unknown[] } | undefined;
  expect(payload?.userErrors ?? [], JSON.stringify(payload?.userErrors)).toEqual([]);
  return payload as T;
}

export async function register(gw: WorkflowGateway, backend: string, model: string): Promise<string> {
  const payload = await ok<{ modelVersion: { version: string } }>(
    gw,
    "pat",
    `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { message } } }`,
    { input: { backend, model, artifactUri: `s3://models/${model}`, description: `${model}, trained by the nightly job`, reason: "nightly training run" } },
    "modelVersionRegister",
  );
  return payload.modelVersion.version;
}

export async function recordEval(gw: WorkflowGateway, backend: string, model: string, version: string, score: number, suite = RANKER_SUITE): Promise<void> {
  await ok(gw, "pat", EVAL, { input: { backend, model, version, suite, score, run: `run-${version}`, artifactUri: `https://mlflow.example.internal/#/runs/${model}-${version}` } }, "evalRecord");
}

/** Requests a stage as pat, approves as `approver` when it waits for approval, and waits until applied. */
export async function promote(gw: WorkflowGateway, backend: string, model: string, version: string, toStage: string, environment: string, approver: Who = "bob"): Promise<void> {
  const payload = await ok<{ promotionRequest: { id: string; status: string } }>(
    gw,
    "pat",
    PROMOTE,
    { input: { backend, model, version, toStage, environment, reason: `${model}@${version} to ${toStage.toLowerCase()}` } },
    "promotionRequest",
  );
  if (payload.promotionRequest.status === "PENDING") {
    await ok(gw, approver, APPROVE, { id: payload.promotionRequest.id, comment: "looks good" }, "promotionApprove");
  }
  expect((await waitForStatus(gw, payload.promotionRequest.id, ["APPLIED", "FAILED"], 60_000)).status).toBe("APPLIED");
}

export interface Component {
  role: string;
  backend: string;
  model: string;
  version: string;
  weight: number;
  shadow?: boolean;
}

/** The support bot of examples/deployments/support-bot.yaml. */
export const SUPPORT_BOT: Component[] = [
  { role: "classifier", backend: "example", model: "support-triage", version: "14", weight: 100 },
  { role: "retriever", backend: "example", model: "ticket-embedder", version: "2", weight: 100 },
  { role: "generation", backend: "example", model: "reply-drafter", version: "3", weight: 100 },
  { role: "generation", backend: "example", model: "reply-drafter", version: "4", weight: 0, shadow: true },
];

/** Records a revision and runs it in the environment (pat asks, `approver` approves); returns its number. */
export async function deploy(gw: WorkflowGateway, name: string, environment: string, components: Component[], reason: string, approver: Who = "carol"): Promise<number> {
  const created = await ok<{ revision: { number: number } }>(
    gw,
    "pat",
    `mutation($input: DeploymentRevisionCreateInput!) { deploymentRevisionCreate(input: $input) { revision { number } userErrors { field message } } }`,
    { input: { name, environment, reason, components: components.map((c) => ({ shadow: false, ...c })) } },
    "deploymentRevisionCreate",
  );
  const revision = created.revision.number;
  const promoted = await ok<{ promotionRequest: { id: string; status: string } }>(
    gw,
    "pat",
    `mutation($input: DeploymentPromoteInput!) { deploymentPromote(input: $input) { promotionRequest { id status } userErrors { field message } } }`,
    { input: { name, environment, revision, reason } },
    "deploymentPromote",
  );
  if (promoted.promotionRequest.status === "PENDING") {
    await ok(gw, approver, APPROVE, { id: promoted.promotionRequest.id, comment: "ship it" }, "promotionApprove");
  }
  expect((await waitForStatus(gw, promoted.promotionRequest.id, ["APPLIED", "FAILED"], 60_000)).status).toBe("APPLIED");
  return revision;
}
