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

interface Peers {
  mlflowUrl: string;
  motoUrl: string;
  postgresUrl: string;
  stop(): Promise<void>;
}

/**
 * Two projects use this setup (integration, and integration-isolated for the files that need a
 * process of their own); vitest runs each project's global setup in its own module instance, so
 * the started peers are shared through a process-global slot: started by the first project, stopped
 * when the last one tears down.
 */
const SLOT = Symbol.for("modelgate.test.peers");
interface Shared {
  peers: Promise<Peers>;
  users: number;
}
const holder = globalThis as unknown as Record<symbol, Shared | undefined>;

async function startPeers(): Promise<Peers> {
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
  console.log(
    `[peers] mlflow server at ${mlflow.value.url}, moto server at ${moto.value.url}, PostgreSQL on port ${postgres.value.port} ` +
      `(started in ${postgres.value.startMs} ms; all ready in ${Date.now() - started} ms)`,
  );
  return {
    mlflowUrl: mlflow.value.url,
    motoUrl: moto.value.url,
    postgresUrl: postgres.value.url,
    stop: async () => {
      await Promise.allSettled([mlflow.value.stop(), moto.value.stop(), postgres.value.stop()]);
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let shared = holder[SLOT];
  if (!shared) {
    shared = { peers: startPeers(), users: 0 };
    holder[SLOT] = shared;
    // A failed start is not kept: the next project's setup fails with its own attempt's error.
    shared.peers.catch(() => {
      if (holder[SLOT] === shared) holder[SLOT] = undefined;
    });
  }
  const peers = await shared.peers;
  shared.users += 1;
  project.provide("mlflowUrl", peers.mlflowUrl);
  project.provide("motoUrl", peers.motoUrl);
  project.provide("postgresUrl", peers.postgresUrl);
  const mine = shared;
  return async () => {
    mine.users -= 1;
    if (mine.users > 0) return;
    if (holder[SLOT] === mine) holder[SLOT] = undefined;
    await peers.stop();
  };
}
