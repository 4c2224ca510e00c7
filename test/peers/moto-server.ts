/**
 * A real `moto_server` (moto's standalone AWS emulator, SageMaker included) on a free loopback
 * port. moto keeps its state in memory: restart() starts an empty server on the same port.
 * Any static credentials work; the SigV4 region of a request picks moto's per-region backend, and
 * every resource lives in account 123456789012.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startPeer, startRestartablePeer, type PeerProcess } from "./process.js";
import { venvBin } from "./venv.js";

/** The account moto puts every resource in. */
export const MOTO_ACCOUNT_ID = "123456789012";

export interface MotoServer extends PeerProcess {
  url: string;
  port: number;
  /** Starts the server again on the same port, with empty state (after stop(), or to reset it). */
  restart(): Promise<void>;
}

export async function startMotoServer(opts: { port?: number } = {}): Promise<MotoServer> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-moto-"));
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const launch = () =>
    startPeer({
      name: "moto server",
      command: venvBin("moto_server"),
      args: ["-H", "127.0.0.1", "-p", String(port)],
      env: { PYTHONUNBUFFERED: "1" },
      logFile: join(dir, `moto-${Date.now()}.log`),
      // moto's own management API answers once the server serves requests.
      ready: async () => (await fetch(`${url}/moto-api/`)).ok,
      timeoutMs: 60_000,
    });
  const peer = await startRestartablePeer(launch);
  return Object.assign(peer, { url, port });
}
