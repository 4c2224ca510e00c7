/**
 * The facade's tests: a real gateway (HTTP, SQLite file store, config tokens), MLflow's own Python
 * client from the test peers' venv spawned against it, and the CLI spawned as an approver.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { configSchema, type LoadedConfig } from "../../src/config/schema.js";
import { createGateway, type Gateway } from "../../src/app/gateway.js";
import { startServer, type RunningServer } from "../../src/http/server.js";
import { sha256Hex } from "../../src/http/auth.js";
import { createLogger } from "../../src/logging.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { venvBin } from "../peers/venv.js";
import { REPO_ROOT } from "../support/test-gateway.js";

const execFileAsync = promisify(execFile);

export const TOKENS = {
  alice: "alice-publisher-token-0123456789",
  bob: "bob-approver-token-0123456789",
  vic: "vic-viewer-token-0123456789",
} as const;
export type Who = keyof typeof TOKENS;

export const TOKEN_CONFIG = [
  { subject: "alice", sha256: sha256Hex(TOKENS.alice), roles: ["publisher"] },
  { subject: "bob", sha256: sha256Hex(TOKENS.bob), roles: ["approver"] },
  { subject: "vic", sha256: sha256Hex(TOKENS.vic), roles: ["viewer"] },
];

export interface FacadeGateway {
  url: string;
  dir: string;
  gateway: Gateway;
  server: RunningServer;
  /** The registry URI of a backend: http://host:port/mlflow/<backend>. */
  registryUri(backend: string): string;
  stop(): Promise<void>;
}

export interface FacadeGatewayOptions {
  /** Config (backends, policies, mlflowFacade ...) over the defaults: auth tokens, environments. */
  config: Record<string, unknown>;
  /** Port to listen on (default: any free one). */
  port?: number;
}

export async function startFacadeGateway(opts: FacadeGatewayOptions): Promise<FacadeGateway> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-mlflow-facade-"));
  const config = configSchema.parse({
    logLevel: process.env["FACADE_TEST_LOG"] ?? "silent",
    auth: { tokens: TOKEN_CONFIG },
    environments: { production: { stage: "PRODUCTION" }, staging: { stage: "STAGING" } },
    ...opts.config,
    server: { port: opts.port ?? 0, requestTimeoutMs: 30_000, ...(opts.config["server"] as object | undefined) },
  });
  const loaded: LoadedConfig = { config, configDir: dir, dataDir: join(dir, "data") };
  const store = await openSqliteStore({ file: join(dir, "modelgate.db") });
  // The drift poller stays off: drift must come from the webhook, not from a background pass.
  const gateway = await createGateway(loaded, { logger: createLogger(config.logLevel), store, outbox: { pollMs: 50, baseBackoffMs: 20 }, drift: false, webhooks: false });
  let server: RunningServer;
  try {
    server = await startServer(gateway, { host: "127.0.0.1", port: opts.port ?? 0 });
  } catch (err) {
    await gateway.close();
    throw err;
  }
  return {
    url: server.url,
    dir,
    gateway,
    server,
    registryUri: (backend) => `${server.url}/mlflow/${backend}`,
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Python run by `python()`: helpers every script gets, before its own code. */
export const PRELUDE = `
import json, os, re, sys, time
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.utils.proto_json_utils import message_to_json

client = MlflowClient()
out = {}

def error_of(fn):
    try:
        fn()
    except MlflowException as e:
        return {"error_code": e.error_code, "message": e.message}
    return None

def mv(v):
    return {"name": v.name, "version": str(v.version), "current_stage": v.current_stage, "source": v.source,
            "aliases": sorted(v.aliases), "tags": dict(v.tags), "run_id": v.run_id, "status": v.status,
            "description": v.description}

def as_json(entity):
    return json.loads(message_to_json(entity.to_proto()))
`;

/** The environment every script starts from (`dir`: its working directory, HOME when none is set). */
export function pythonBaseEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? dir,
    // Errors come back at once (a facade refusal is 4xx anyway; 5xx retries would slow the test).
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0",
    PYTHONUNBUFFERED: "1",
    GIT_PYTHON_REFRESH: "quiet",
  };
}

export interface PythonRun<T> {
  result: T;
  stderr: string;
}

/**
 * Runs `code` with MLflow's client in the peers' venv; the script fills the dict `out`, which comes
 * back parsed. `env` sets MLFLOW_TRACKING_URI, credentials ...
 */
export async function python<T = Record<string, unknown>>(code: string, env: Record<string, string>, timeoutMs = 180_000): Promise<PythonRun<T>> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-py-"));
  const file = join(dir, "script.py");
  await writeFile(file, `${PRELUDE}\n${code}\n\nprint("@@RESULT@@" + json.dumps(out))\n`);
  try {
    const { stdout, stderr } = await execFileAsync(venvBin("python"), [file], {
      env: { ...pythonBaseEnv(dir), ...env },
      cwd: dir,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
    if (line === undefined) throw new Error(`the Python script printed no result\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    return { result: JSON.parse(line.slice("@@RESULT@@".length)) as T, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    if (e.stderr !== undefined) throw new Error(`Python failed: ${e.message}\nstdout:\n${e.stdout ?? ""}\nstderr:\n${e.stderr}`);
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** MLflow client settings for a caller of the facade: Basic (token as password) or Bearer. */
export function mlflowEnv(uri: string, who: Who, scheme: "basic" | "bearer" = "basic"): Record<string, string> {
  return scheme === "basic"
    ? { MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_USERNAME: who, MLFLOW_TRACKING_PASSWORD: TOKENS[who] }
    : { MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_TOKEN: TOKENS[who] };
}

/** `modelgate <args>` as a process, as an operator runs it. */
export async function cli(args: string[], gatewayUrl: string, who: Who): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), ...args, "--url", gatewayUrl], {
    cwd: REPO_ROOT,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", MODELGATE_TOKEN: TOKENS[who], NO_COLOR: "1" },
    timeout: 120_000,
  });
}

/** The promotion request id an MLflow error message names (`modelgate approve <id>`). */
export function requestIdIn(message: string): string {
  const match = /modelgate approve ([A-Za-z0-9_-]+)/.exec(message);
  if (!match) throw new Error(`no "modelgate approve <id>" in: ${message}`);
  return match[1] as string;
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
