/**
 * Runs test/peers/mlflow-fixture.py (MLflow's own Python client) against an MLflow server and
 * returns what it created and read back.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { venvBin } from "../peers/venv.js";

const execFileAsync = promisify(execFile);
const SCRIPT = join(import.meta.dirname, "../peers/mlflow-fixture.py");

export interface FixtureVersion {
  name: string;
  version: string;
  source: string;
  run_id: string | null;
  run_link: string | null;
  description: string | null;
  current_stage: string;
  tags: Record<string, string>;
  aliases: string[];
  creation_timestamp: number;
  last_updated_timestamp: number;
}

export interface FixtureModel {
  name: string;
  description: string | null;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  creation_timestamp: number;
  last_updated_timestamp: number;
  versions: FixtureVersion[];
}

export interface FixtureReport {
  classifier: FixtureModel;
  assistant: FixtureModel;
  generation_config: { model: string; params: Record<string, unknown>; promptRef: string };
  prompt: {
    name: string;
    versions: { version: string; template: string }[];
    production: { version: string; template: string };
  };
  /** What MLflow's client lists under the prefix (prompts are hidden by MLflow). */
  visible_models: string[];
  run_id: string;
}

export async function runMlflowFixture(trackingUri: string, prefix: string): Promise<FixtureReport> {
  return runScript<FixtureReport>([trackingUri, prefix], trackingUri);
}

/** One registered model and its versions as MLflow's Python client reads them. */
export async function readWithMlflowClient(trackingUri: string, modelName: string): Promise<FixtureModel> {
  return runScript<FixtureModel>([trackingUri, "--read", modelName], trackingUri);
}

async function runScript<T>(args: string[], trackingUri: string): Promise<T> {
  const { stdout } = await execFileAsync(venvBin("python"), [SCRIPT, ...args], {
    timeout: 120_000,
    maxBuffer: 10_000_000,
    env: { ...process.env, PYTHONUNBUFFERED: "1", MLFLOW_TRACKING_URI: trackingUri },
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`test/peers/mlflow-fixture.py failed: ${err.message}\n${err.stderr ?? ""}`);
  });
  const last = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`test/peers/mlflow-fixture.py printed no JSON report; its output:\n${stdout}`);
  }
}
