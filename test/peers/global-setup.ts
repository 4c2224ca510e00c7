/**
 * Vitest global setup: installs (or reuses) the pinned Python peers and starts the shared real
 * servers once for the whole run; stops them afterwards. A peer that fails to start fails the run
 * with the peer's log.
 */
import type { TestProject } from "vitest/node";
import { startMlflowServer } from "./mlflow-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    mlflowUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const mlflow = await startMlflowServer();
  project.provide("mlflowUrl", mlflow.url);
  console.log(`[peers] mlflow server at ${mlflow.url} (ready in ${Date.now() - started} ms)`);
  return async () => {
    await mlflow.stop();
  };
}
