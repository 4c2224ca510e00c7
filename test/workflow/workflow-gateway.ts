/**
 * A real gateway for the promotion tests: HTTP server, git-YAML backend seeded from the example
 * registry, SQLite file store, config tokens for a publisher, two approvers and a viewer. Unlike
 * test/support/test-gateway.ts it can reopen the same directory (same repo, same SQLite file) and
 * control the outbox worker, to stop between commit and apply.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema, type LoadedConfig } from "../../src/config/schema.js";
import type { FactoryMap } from "../../src/app/adapter-registry.js";
import { createGateway, type Gateway } from "../../src/app/gateway.js";
import { startServer, type RunningServer } from "../../src/http/server.js";
import { sha256Hex } from "../../src/http/auth.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import type { OutboxWorkerOptions } from "../../src/workflow/outbox-worker.js";
import { EXAMPLE_SEED, type GqlResult } from "../support/test-gateway.js";

export const TOKENS = {
  alice: "alice-publisher-token-0123456789",
  bob: "bob-approver-token-0123456789",
  carol: "carol-approver-token-0123456789",
  vic: "vic-viewer-token-0123456789",
  pat: "pat-publisher-approver-token-0123",
} as const;
export type Who = keyof typeof TOKENS;

const TOKEN_CONFIG = [
  { subject: "alice", sha256: sha256Hex(TOKENS.alice), roles: ["publisher"] },
  { subject: "bob", sha256: sha256Hex(TOKENS.bob), roles: ["approver"] },
  { subject: "carol", sha256: sha256Hex(TOKENS.carol), roles: ["approver"] },
  { subject: "vic", sha256: sha256Hex(TOKENS.vic), roles: ["viewer"] },
  { subject: "pat", sha256: sha256Hex(TOKENS.pat), roles: ["publisher", "approver"] },
];

/** Response bodies are parsed JSON, read by shape in assertions: typed as JSON.parse types them. */
export type ParsedJson = ReturnType<typeof JSON.parse>;

export interface WorkflowGatewayOptions {
  /** Reuse this directory (repo and SQLite file) instead of a fresh one. */
  dir?: string;
  /** Extra config (policies, backends...). */
  config?: Record<string, unknown>;
  factories?: FactoryMap;
  /** Adapter kind of the "example" backend (default git-yaml). */
  backendKind?: string;
  outbox?: OutboxWorkerOptions | false;
  /** Run the background drift poller as configured (default: off; tests call driftCheck instead). */
  drift?: boolean;
  /** Opens the store (default: the SQLite file in `dir`), e.g. a PostgreSQL database. */
  openStore?: (dir: string) => Promise<Store>;
  /** The scheduled deprecation policy (default: off; tests give a short interval to run it). */
  deprecation?: { intervalMs?: number };
}

export interface WorkflowGateway {
  /** Base URL of the running server. */
  url: string;
  dir: string;
  repo: string;
  gateway: Gateway;
  as<T = Record<string, ParsedJson>>(who: Who, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Stops the server and gateway; keeps the directory. */
  close(): Promise<void>;
  /** close() and remove the directory. */
  stop(): Promise<void>;
}

export async function startWorkflowGateway(opts: WorkflowGatewayOptions = {}): Promise<WorkflowGateway> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "modelgate-workflow-")));
  const repo = join(dir, "registry");
  const config = configSchema.parse({
    logLevel: "silent",
    auth: { tokens: TOKEN_CONFIG },
    backends: [{ id: "example", kind: opts.backendKind ?? "git-yaml", repo, seedFrom: EXAMPLE_SEED }],
    ...opts.config,
    server: { port: 0 },
  });
  const loaded: LoadedConfig = { config, configDir: dir, dataDir: join(dir, "data") };
  const store = opts.openStore !== undefined ? await opts.openStore(dir) : await openSqliteStore({ file: join(dir, "modelgate.db") });
  const gateway = await createGateway(loaded, {
    logger: createLogger(config.logLevel),
    store,
    outbox: opts.outbox ?? { pollMs: 50, baseBackoffMs: 20 },
    ...(opts.drift === true ? {} : { drift: false as const }),
    ...(opts.factories ? { factories: opts.factories } : {}),
    deprecation: opts.deprecation ?? false,
  });
  let server: RunningServer;
  try {
    server = await startServer(gateway, { host: "127.0.0.1", port: 0 });
  } catch (err) {
    await gateway.close();
    throw err;
  }
  const url = `${server.url}/graphql`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  return {
    url: server.url,
    dir,
    repo,
    gateway,
    async as<T>(who: Who, query: string, variables?: Record<string, unknown>) {
      const res = await fetch(url, {
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

/** Number of commits on the registry repo's current branch. */
export function commitCount(repo: string): number {
  return Number(execFileSync("git", ["-C", repo, "rev-list", "--count", "HEAD"], { encoding: "utf8" }).trim());
}

export const REQUEST_FIELDS = `id kind status version fromStage toStage environment requestedBy failure previousVersions demoteTo
  policy { source minEvalScore canary approvals }
  gates { gate passed detail evidence }
  decisions { actor decision comment }`;

export const PROMOTE = `mutation($input: PromotionRequestInput!) {
  promotionRequest(input: $input) { replayed promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;
export const APPROVE = `mutation($id: ID!, $comment: String) {
  promotionApprove(input: { id: $id, comment: $comment }) { promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;
export const REJECT = `mutation($id: ID!, $comment: String) {
  promotionReject(input: { id: $id, comment: $comment }) { promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;
export const EVAL = `mutation($input: EvalRecordInput!) { evalRecord(input: $input) { evalRecord { suite score recordedBy } userErrors { field code message } } }`;
export const CANARY = `mutation($input: CanaryResultRecordInput!) { canaryResultRecord(input: $input) { canaryResult { clean recordedBy } userErrors { field code message } } }`;
export const ROLLBACK = `mutation($input: ModelRollbackInput!) { modelRollback(input: $input) { promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } } }`;
export const NODE = `query($id: ID!) { node(id: $id) { ... on PromotionRequest { ${REQUEST_FIELDS} } } }`;
export const STAGE_OF = `query($v: String!) { modelVersion(backend: "example", model: "support-triage", version: $v) { stage } }`;

/** Polls the request (as a viewer) until its status is one of `done`. */
export async function waitForStatus(gw: WorkflowGateway, id: string, done: readonly string[] = ["APPLIED", "FAILED"], timeoutMs = 60_000): Promise<Record<string, ParsedJson>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await gw.as("vic", NODE, { id });
    const node = res.data?.node as Record<string, ParsedJson> | undefined;
    if (node !== undefined && done.includes(node.status as string)) return node;
    if (Date.now() > until) throw new Error(`request ${id} still ${String(node?.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Audit events with `action`, oldest first. */
export async function auditActions(gw: WorkflowGateway, action?: string): Promise<Record<string, ParsedJson>[]> {
  const res = await gw.as("vic", `query($f: AuditEventFilter) { auditEvents(filter: $f, first: 100) { nodes { actor action target outcome before after error reason } } }`, {
    f: { order: "ASC", ...(action === undefined ? {} : { action }) },
  });
  return (res.data?.auditEvents as { nodes: Record<string, ParsedJson>[] }).nodes;
}
