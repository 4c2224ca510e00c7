/**
 * Gateway replicas as separate OS processes (`modelgate serve`) on one PostgreSQL database and one
 * git-YAML registry, for the multi-replica test and bench: start, talk to over HTTP as a user,
 * find the leader, kill (SIGKILL, as a crash) or stop.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { startChild, type Child } from "../../bench/processes.js";
import { sha256Hex } from "../../src/http/auth.js";

const ROOT = resolve(import.meta.dirname, "../..");
export const EXAMPLE_SEED = join(ROOT, "examples/registry");

export const FLEET_TOKENS = {
  alice: "alice-publisher-token-0123456789",
  bob: "bob-approver-token-0123456789",
  carol: "carol-approver-token-0123456789",
  vic: "vic-viewer-token-0123456789",
  /** Reads /readyz's details (the leader flag): only admins see them. */
  ops: "ops-admin-token-0123456789",
} as const;
export type FleetUser = keyof typeof FLEET_TOKENS;

export interface Replica {
  name: string;
  url: string;
  child: Child;
  /** POST /graphql as a user. */
  as<T = Record<string, unknown>>(who: FleetUser, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string }[] }>;
  isLeader(): Promise<boolean>;
  /** SIGKILL: no shutdown, no lock released by the process itself. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface Fleet {
  dir: string;
  configPath: string;
  databaseUrl: string;
  start(name: string): Promise<Replica>;
  /** Stops every replica still running and removes the directory. */
  close(): Promise<void>;
}

export async function createFleet(databaseUrl: string, extraConfig: Record<string, unknown> = {}, opts: { seedFrom?: string } = {}): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-fleet-"));
  const configPath = join(dir, "modelgate.yaml");
  const config = {
    logLevel: "info",
    dataDir: join(dir, "data"),
    server: { host: "127.0.0.1", port: 0 },
    auth: {
      tokens: [
        { subject: "alice", sha256: sha256Hex(FLEET_TOKENS.alice), roles: ["publisher"] },
        { subject: "bob", sha256: sha256Hex(FLEET_TOKENS.bob), roles: ["approver"] },
        { subject: "carol", sha256: sha256Hex(FLEET_TOKENS.carol), roles: ["approver"] },
        { subject: "vic", sha256: sha256Hex(FLEET_TOKENS.vic), roles: ["viewer"] },
        { subject: "ops", sha256: sha256Hex(FLEET_TOKENS.ops), roles: ["admin"] },
      ],
    },
    backends: [{ id: "example", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: opts.seedFrom ?? EXAMPLE_SEED }],
    drift: { enabled: false },
    background: { leaderRetrySeconds: 0.2, outboxPollMs: 100, outboxLeaseSeconds: 2 },
    ...extraConfig,
  };
  await writeFile(configPath, stringify(config));
  const replicas: Replica[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, MODELGATE_DATABASE_URL: databaseUrl, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  for (const key of Object.keys(env)) if (key.startsWith("MODELGATE_") && key !== "MODELGATE_DATABASE_URL") delete env[key];
  return {
    dir,
    configPath,
    databaseUrl,
    async start(name) {
      const { child, match } = await startChild(`replica ${name}`, ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], {
        cwd: ROOT,
        env,
        ready: /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/,
        timeoutMs: 60_000,
      });
      const url = match[1]!;
      const replica: Replica = {
        name,
        url,
        child,
        async as(who, query, variables) {
          const res = await fetch(`${url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${FLEET_TOKENS[who]}` },
            body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
          });
          return (await res.json()) as never;
        },
        async isLeader() {
          const res = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${FLEET_TOKENS.ops}` } });
          return ((await res.json()) as { leader?: boolean }).leader === true;
        },
        async kill() {
          const exited = new Promise<void>((r) => child.process.once("exit", () => r()));
          if (child.process.exitCode === null && child.process.signalCode === null) {
            child.process.kill("SIGKILL");
            await exited;
          }
        },
        stop: () => child.stop(),
      };
      replicas.push(replica);
      return replica;
    },
    async close() {
      await Promise.allSettled(replicas.map((r) => r.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` resolves true; fails after `ms` with `what`. */
export async function eventually(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
