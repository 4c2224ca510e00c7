/**
 * Starting and stopping a peer server process: free port, readiness poll, log capture, and a
 * failure that shows the peer's own log.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface PeerProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export interface StartPeerOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** Run as this OS user (root only: PostgreSQL refuses to run as root). */
  runAs?: { uid: number; gid: number };
  /** The signal that stops the process group (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** Resolves true when the peer answers. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
}

async function logTail(file: string, lines = 40): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "(no log)");
  return text.split("\n").slice(-lines).join("\n");
}

export async function startPeer(opts: StartPeerOptions): Promise<PeerProcess> {
  const log = createWriteStream(opts.logFile);
  const child = spawn(opts.command, opts.args, {
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    ...opts.runAs,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  child.once("error", (err) => {
    exited = `could not start: ${err.message}`;
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-(child.pid as number), opts.stopSignal ?? "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`${opts.name} ${exited} before it was ready. Its log (${opts.logFile}):\n${await logTail(opts.logFile)}`);
    }
    if (await opts.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} was not ready after ${opts.timeoutMs} ms. Its log (${opts.logFile}):\n${await logTail(opts.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { name: opts.name, child, logFile: opts.logFile, stop };
}

/** A peer that can be stopped and started again on the same port and state (outage tests). */
export interface RestartablePeer extends PeerProcess {
  restart(): Promise<void>;
}

export async function startRestartablePeer(launch: () => Promise<PeerProcess>): Promise<RestartablePeer> {
  let peer = await launch();
  return {
    get name() {
      return peer.name;
    },
    get child() {
      return peer.child;
    },
    get logFile() {
      return peer.logFile;
    },
    stop: () => peer.stop(),
    async restart() {
      await peer.stop();
      peer = await launch();
    },
  };
}
