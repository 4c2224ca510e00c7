/**
 * A real `mlflow server` on SQLite in a temp dir, on a free loopback port.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startPeer, startRestartablePeer, type PeerProcess } from "./process.js";
import { venvBin } from "./venv.js";

export interface MlflowServer extends PeerProcess {
  url: string;
  port: number;
  dir: string;
  /** Starts the server again on the same port and database (after stop()). */
  restart(): Promise<void>;
}

/** `env`: extra environment of the server (e.g. MLFLOW_WEBHOOK_ALLOWED_SCHEMES for a loopback webhook receiver). */
export async function startMlflowServer(opts: { dir?: string; port?: number; env?: Record<string, string> } = {}): Promise<MlflowServer> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "modelgate-mlflow-")));
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const launch = () =>
    startPeer({
      name: "mlflow server",
      command: venvBin("mlflow"),
      args: [
        "server",
        "--backend-store-uri",
        `sqlite:///${join(dir, "mlflow.db")}`,
        "--artifacts-destination",
        join(dir, "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--workers",
        "1",
      ],
      env: { MLFLOW_TRACKING_URI: url, PYTHONUNBUFFERED: "1", ...opts.env },
      logFile: join(dir, `mlflow-${Date.now()}.log`),
      ready: async () => (await fetch(`${url}/health`)).ok,
      timeoutMs: 120_000,
    });
  const peer = await startRestartablePeer(launch);
  return Object.assign(peer, { url, port, dir });
}
