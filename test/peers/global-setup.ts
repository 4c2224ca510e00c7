/**
 * Vitest global setup: installs (or reuses) the pinned Python peers and starts the shared real
 * servers once for the whole run; stops them afterwards. A peer that fails to start fails the run
 * with the peer's log.
 */
import type { TestProject } from "vitest/node";
import { startMlflowServer } from "./mlflow-server.js";
import { startMotoServer } from "./moto-server.js";
import { peersVenv } from "./venv.js";

declare module "vitest" {
  export interface ProvidedContext {
    mlflowUrl: string;
    /** The shared moto server (SageMaker emulator); test files keep apart by region and name prefix, never by reset. */
    motoUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // Install the venv once before both peers need it.
  peersVenv();
  const [mlflow, moto] = await Promise.allSettled([startMlflowServer(), startMotoServer()]);
  if (mlflow.status === "rejected" || moto.status === "rejected") {
    if (mlflow.status === "fulfilled") await mlflow.value.stop();
    if (moto.status === "fulfilled") await moto.value.stop();
    throw mlflow.status === "rejected" ? mlflow.reason : (moto as PromiseRejectedResult).reason;
  }
  project.provide("mlflowUrl", mlflow.value.url);
  project.provide("motoUrl", moto.value.url);
  console.log(`[peers] mlflow server at ${mlflow.value.url}, moto server at ${moto.value.url} (ready in ${Date.now() - started} ms)`);
  return async () => {
    await Promise.allSettled([mlflow.value.stop(), moto.value.stop()]);
  };
}
