import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "./audit-chain.js";
import { LATEST_SCHEMA_VERSION, MIGRATION_TABLE, MIGRATIONS } from "./migrations/index.js";
import { openSqliteStore } from "./sqlite-store.js";
import { describeStoreContract } from "./store.contract.js";
import type { AuditEvent, AuditEventInput, Store } from "./store.js";

describeStoreContract("sqlite (:memory:)", async ({ clock }) => {
  const store = await openSqliteStore({ file: ":memory:", clock });
  return { store, raw: store.db, dispose: () => store.close() };
});

const event: AuditEventInput = {
  actor: "alice",
  action: "model_version.register",
  targetType: "model_version",
  target: "example/m@1",
  outcome: "SUCCESS",
};

async function everyEvent(store: Store): Promise<AuditEvent[]> {
  return (await store.listAudit({ first: 100, order: "asc" })).items;
}

/** Starts another process that holds the database's write lock for `holdMs`; resolves once it holds it. */
async function holdWriteLock(file: string, holdMs: number): Promise<ChildProcess> {
  const driver = pathToFileURL(createRequire(import.meta.url).resolve("better-sqlite3")).href;
  const script = `
    const { default: Database } = await import(${JSON.stringify(driver)});
    const db = new Database(${JSON.stringify(file)});
    db.exec("begin immediate");
    process.stdout.write("locked\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs});
    db.exec("commit");
    db.close();`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  expect(chunk.toString()).toBe("locked\n");
  return child;
}

describe("SQLite store on a file", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelgate-store-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps events across close and reopen, and the chain continues", async () => {
    const file = join(dir, "modelgate.db");
    const first = await openSqliteStore({ file });
    await first.appendAudit(event);
    await first.appendAudit({ ...event, target: "example/m@2" });
    await first.close();

    const second = await openSqliteStore({ file });
    const next = await second.appendAudit({ ...event, target: "example/m@3" });
    const events = await everyEvent(second);
    await second.close();

    expect(events.map((e) => e.target)).toEqual(["example/m@1", "example/m@2", "example/m@3"]);
    expect(next.seq).toBe(3);
    expect(verifyAuditChain(events)).toEqual({ ok: true });
  });

  it("creates missing directories, uses WAL and foreign keys, and records the schema version", async () => {
    const file = join(dir, "nested", "deeper", "modelgate.db");
    const store = await openSqliteStore({ file });
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await store.close();

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      const names = raw.prepare(`select name from ${MIGRATION_TABLE} order by name`).pluck().all();
      // Every migration this build knows, applied once each, in order.
      expect(names).toEqual(Object.keys(MIGRATIONS).sort());
      expect(names.slice(0, 5)).toEqual(["0001_audit", "0002_workflow", "0003_drift", "0004_deployments", "0005_deployment_promotion"]);
    } finally {
      raw.close();
    }
  });

  it("opens an already migrated file again without re-running migrations", async () => {
    const file = join(dir, "modelgate.db");
    await (await openSqliteStore({ file })).close();
    const again = await openSqliteStore({ file });
    await again.migrate();
    expect(await again.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await again.close();
  });

  it("waits for another process's write lock, within busyTimeoutMs", async () => {
    const file = join(dir, "modelgate.db");
    const store = await openSqliteStore({ file, busyTimeoutMs: 5_000 });
    await store.appendAudit(event);
    const child = await holdWriteLock(file, 200);
    // Without busy_timeout this would fail at once with SQLITE_BUSY (see the next test).
    const appended = await store.appendAudit(event);
    expect(appended.seq).toBe(2);
    await once(child, "exit");
    await store.close();
  });

  it("gives up on a write lock held past busyTimeoutMs, naming the file", async () => {
    const file = join(dir, "modelgate.db");
    const store = await openSqliteStore({ file, busyTimeoutMs: 50 });
    const child = await holdWriteLock(file, 500);
    await expect(store.appendAudit(event)).rejects.toThrow(`${file} is locked by another process`);
    await once(child, "exit");
    expect((await store.appendAudit(event)).seq).toBe(1);
    await store.close();
  });

  it("refuses a database migrated by a newer modelgate, saying so", async () => {
    const file = join(dir, "modelgate.db");
    await (await openSqliteStore({ file })).close();
    const raw = new Database(file);
    raw.prepare(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`).run("9999_future", new Date().toISOString());
    raw.close();
    await expect(openSqliteStore({ file })).rejects.toThrow(/newer modelgate.*"9999_future"/);
  });

  it("names the file it cannot open", async () => {
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "");
    await expect(openSqliteStore({ file: join(blocker, "modelgate.db") })).rejects.toThrow(
      `cannot open the SQLite database ${join(blocker, "modelgate.db")}`,
    );
    await expect(openSqliteStore({ file: "" })).rejects.toThrow(/file name is empty/);
  });
});
