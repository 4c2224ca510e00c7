/**
 * Vitest global setup: installs (or reuses) the pinned Python peers and starts the shared real
 * servers once for the whole run; stops them afterwards. A peer that fails to start fails the run
 * with the peer's log.
 */
import type { TestProject } from "vitest/node";
import { startMlflowServer } from "./mlflow-server.js";
import { startMotoServer } from "./moto-server.js";
import { startPostgresServer } from "./postgres.js";
import { peersVenv } from "./venv.js";

declare module "vitest" {
  export interface ProvidedContext {
    mlflowUrl: string;
    /** The shared moto server (SageMaker emulator); test files keep apart by region and name prefix, never by reset. */
    motoUrl: string;
    /** The shared PostgreSQL server's `postgres` database (superuser); test files create their own database (./postgres.ts). */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // Install the venv once before both peers need it.
  peersVenv();
  // MLflow may deliver webhooks to a gateway on loopback (test/mlflow-facade/webhooks.test.ts).
  const mlflowEnv = { MLFLOW_WEBHOOK_ALLOWED_SCHEMES: "http,https", MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: "true" };
  const [mlflow, moto, postgres] = await Promise.allSettled([startMlflowServer({ env: mlflowEnv }), startMotoServer(), startPostgresServer()]);
  if (mlflow.status === "rejected" || moto.status === "rejected" || postgres.status === "rejected") {
    if (mlflow.status === "fulfilled") await mlflow.value.stop();
    if (moto.status === "fulfilled") await moto.value.stop();
    if (postgres.status === "fulfilled") await postgres.value.stop();
    throw [mlflow, moto, postgres].map((p) => (p.status === "rejected" ? (p.reason as unknown) : undefined)).find((r) => r !== undefined);
  }
  project.provide("mlflowUrl", mlflow.value.url);
  project.provide("motoUrl", moto.value.url);
  project.provide("postgresUrl", postgres.value.url);
  console.log(
    `[peers] mlflow server at ${mlflow.value.url}, moto server at ${moto.value.url}, PostgreSQL on port ${postgres.value.port} ` +
      `(started in ${postgres.value.startMs} ms; all ready in ${Date.now() - started} ms)`,
  );
  return async () => {
    await Promise.allSettled([mlflow.value.stop(), moto.value.stop(), postgres.value.stop()]);
  };
}
