/**
 * The PostgreSQL store against a real PostgreSQL server (test/peers/postgres.ts, started once per
 * run by the global setup): every store contract, then what only several writers on one database
 * can show. Each test gets a database of its own.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createDatabase, uniqueDatabaseName } from "../../test/peers/postgres.js";
import { loadConfig } from "../config/load-config.js";
import { ConflictError } from "../core/errors.js";
import { verifyAuditChain } from "./audit-chain.js";
import type { StoreDatabase } from "./db-schema.js";
import { describeCardStoreContract } from "./card-store.contract.js";
import { describeDeploymentStoreContract } from "./deployment-store.contract.js";
import { StoreError } from "./errors.js";
import { LATEST_SCHEMA_VERSION } from "./migrations/index.js";
import { openStore } from "./open-store.js";
import { openPostgresStore, type PostgresStore } from "./postgres-store.js";
import { describeStoreContract } from "./store.contract.js";
import type { AuditEventInput, Store } from "./store.js";
import { describeWebhookStoreContract } from "./webhook-store.contract.js";
import { describeWorkflowStoreContract } from "./workflow-store.contract.js";
import type { NewPromotionRequest } from "./workflow-store.js";
import { everyAuditEvent } from "../../test/support/audit-trail.js";
import { createMigratedDatabase } from "../../test/support/postgres-template.js";

const serverUrl = inject("postgresUrl");

async function freshDatabaseUrl(): Promise<string> {
  return createDatabase(serverUrl, uniqueDatabaseName("store"));
}

/** A fresh database already at the latest schema, for the store contracts (migrating an empty one is proven below). */
function migratedDatabaseUrl(): Promise<string> {
  return createMigratedDatabase(serverUrl, "store");
}

/**
 * A superuser handle that bypasses the append-only trigger (triggers do not fire in replica mode),
 * to tamper with rows the way the database's owner could.
 */
function ownerHandle(url: string): Kysely<StoreDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 2, options: "-c session_replication_role=replica" });
  return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
}

describeStoreContract("postgres", async ({ clock }) => {
  const url = await migratedDatabaseUrl();
  const store = await openPostgresStore({ url, clock });
  const raw = ownerHandle(url);
  return {
    store,
    raw,
    dispose: async () => {
      await store.close();
      await raw.destroy();
    },
  };
});

describeWorkflowStoreContract("postgres", async () => {
  const store = await openPostgresStore({ url: await migratedDatabaseUrl() });
  return { store, dispose: () => store.close() };
});

describeDeploymentStoreContract("postgres", async () => {
  const store = await openPostgresStore({ url: await migratedDatabaseUrl() });
  return { store, dispose: () => store.close() };
});

describeWebhookStoreContract("postgres", async () => {
  const store = await openPostgresStore({ url: await migratedDatabaseUrl() });
  return { store, dispose: () => store.close() };
});

describeCardStoreContract("postgres", async () => {
  const store = await openPostgresStore({ url: await migratedDatabaseUrl() });
  return { store, dispose: () => store.close() };
});

const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function auditInput(actor: string, i: number): AuditEventInput {
  return { actor, action: "alias.set", targetType: "alias", target: `m@${i}`, after: { i }, outcome: "SUCCESS" };
}

function request(overrides: Partial<NewPromotionRequest> = {}): NewPromotionRequest {
  return {
    id: randomUUID(),
    kind: "PROMOTION",
    backendId: "git",
    modelName: "support-triage",
    version: "15",
    environment: "production",
    fromStage: "STAGING",
    toStage: "PRODUCTION",
    demoteTo: "ARCHIVED",
    previousVersions: ["14"],
    status: "APPLYING",
    requestedBy: "alice",
    reason: "ship it",
    policy: { source: "rules[0]", eval: null, canary: false, approvals: 0 },
    idempotencyKey: null,
    inputHash: null,
    lockKey: "git/support-triage/production",
    at: at(0),
    ...overrides,
  };
}


/** A promise with its resolve function, to hold a transaction open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits until some backend of the database waits for a lock (a condition, not a timer; the deadline only names a hang). */
async function untilSomeoneWaitsForALock(db: Kysely<StoreDatabase>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if ((rows[0]?.n ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`no connection waited for a lock within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("PostgreSQL store", () => {
  let url: string;
  const opened: PostgresStore[] = [];

  /** A store on the test's database with a pool of its own: one replica of the gateway. */
  async function replica(): Promise<PostgresStore> {
    const store = await openPostgresStore({ url });
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    url = await migratedDatabaseUrl();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it("migrates to the latest schema and says it is PostgreSQL", async () => {
    url = await freshDatabaseUrl();
    const store = await replica();
    expect(store.dialect).toBe("postgres");
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
  });

  it("two replicas opening one empty database together migrate it once", async () => {
    url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([replica(), replica()]);
    expect(await a.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(b.db);
    expect(rows[0]!.n).toBe(Number(LATEST_SCHEMA_VERSION.slice(0, 4)));
  });

  it("names the database it cannot reach, with the password masked", async () => {
    const unreachable = "postgres://gateway:s3cret-pass@127.0.0.1:1/modelgate";
    const err = await openPostgresStore({ url: unreachable, connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain("cannot open the PostgreSQL database postgres://gateway:***@127.0.0.1:1/modelgate");
    expect((err as Error).message).not.toContain("s3cret-pass");
  });

  it("refuses a URL without a database before connecting", async () => {
    await expect(openPostgresStore({ url: "postgres://u:pw@127.0.0.1:5432" })).rejects.toThrow(
      "the database URL postgres://u:***@127.0.0.1:5432 names no database",
    );
  });

  it("2 x 50 concurrent appends from two replicas form one gap-free chain", async () => {
    const [a, b] = [await replica(), await replica()];
    const appended = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => a.appendAudit(auditInput("replica-a", i))),
      ...Array.from({ length: 50 }, (_, i) => b.appendAudit(auditInput("replica-b", i))),
    ]);
    expect(new Set(appended.map((e) => e.seq)).size).toBe(100);
    const events = await everyAuditEvent(a);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(events.filter((e) => e.actor === "replica-a")).toHaveLength(50);
    expect(events.filter((e) => e.actor === "replica-b")).toHaveLength(50);
    expect(verifyAuditChain(events)).toEqual({ ok: true });
  });

  it("multi-event transactions from two replicas do not interleave in the chain", async () => {
    const [a, b] = [await replica(), await replica()];
    const batch = (store: Store, actor: string) =>
      store.transaction(async (tx) => {
        for (let i = 0; i < 5; i++) await tx.appendAudit(auditInput(actor, i));
      });
    await Promise.all([batch(a, "a1"), batch(b, "b1"), batch(a, "a2"), batch(b, "b2")]);
    const events = await everyAuditEvent(b);
    expect(verifyAuditChain(events)).toEqual({ ok: true });
    // Each transaction's five events are consecutive.
    for (let i = 0; i < 20; i += 5) expect(new Set(events.slice(i, i + 5).map((e) => e.actor)).size).toBe(1);
  });

  it("UPDATE, DELETE and TRUNCATE of audit rows are refused by the database", async () => {
    const store = await replica();
    await store.appendAudit(auditInput("alice", 1));
    await expect(sql`update audit_events set actor = 'mallory' where seq = 1`.execute(store.db)).rejects.toThrow(
      /audit_events is append-only: UPDATE refused/,
    );
    await expect(sql`delete from audit_events where seq = 1`.execute(store.db)).rejects.toThrow(/audit_events is append-only: DELETE refused/);
    await expect(sql`truncate audit_events`.execute(store.db)).rejects.toThrow(/audit_events is append-only: TRUNCATE refused/);
    expect(verifyAuditChain(await everyAuditEvent(store))).toEqual({ ok: true });
    expect((await everyAuditEvent(store))[0]!.actor).toBe("alice");
  });

  it("a gateway role granted as docs/operations.md says can append and read but not change the trail", async () => {
    const owner = await replica();
    const role = `gw_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    // The recipe of docs/operations.md, run by the owner after migrating.
    await sql.raw(`create role ${role} login password 'gw-pass'`).execute(owner.db);
    await sql.raw(`grant usage on schema public to ${role}`).execute(owner.db);
    await sql.raw(`grant select, insert, update, delete on all tables in schema public to ${role}`).execute(owner.db);
    await sql.raw(`revoke update, delete, truncate on audit_events from ${role}`).execute(owner.db);
    const gatewayUrl = new URL(url);
    gatewayUrl.username = role;
    gatewayUrl.password = "gw-pass";
    const gateway = await openPostgresStore({ url: gatewayUrl.toString() });
    opened.push(gateway);
    await gateway.appendAudit(auditInput("gateway", 1));
    await gateway.workflow.insertRequest(request());
    await expect(sql`update audit_events set actor = 'mallory'`.execute(gateway.db)).rejects.toThrow(/permission denied/);
    await expect(sql`delete from audit_events`.execute(gateway.db)).rejects.toThrow(/permission denied/);
    expect((await everyAuditEvent(gateway)).map((e) => e.actor)).toEqual(["gateway"]);
  });

  it("two replicas draining one outbox lease each row exactly once", async () => {
    const [a, b] = [await replica(), await replica()];
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = request({ lockKey: `git/m${i}/production`, modelName: `m${i}` });
      await a.workflow.insertRequest(r);
      const id = randomUUID();
      await a.workflow.insertOutbox({ id, requestId: r.id, status: "PENDING", attempts: 0, steps: { holders: null, targetSet: false, demoted: [] }, nextAttemptAt: at(0), createdAt: at(i) });
      ids.push(id);
    }
    const drain = async (store: Store): Promise<string[]> => {
      const taken: string[] = [];
      for (;;) {
        const got = await store.transaction(async (tx) => {
          const [row] = await tx.workflow.listDueOutbox(at(100), 1);
          if (row === undefined) return "empty" as const;
          return (await tx.workflow.leaseOutbox(row.id, "drain", 300_000)) !== undefined ? row.id : ("lost" as const);
        });
        if (got === "empty") return taken;
        if (got !== "lost") taken.push(got);
      }
    };
    // Also the worker's own pattern (list, then lease, each its own transaction) racing with them.
    const drainSeparately = async (store: Store): Promise<string[]> => {
      const taken: string[] = [];
      for (;;) {
        const [row] = await store.workflow.listDueOutbox(at(100), 1);
        if (row === undefined) return taken;
        if ((await store.workflow.leaseOutbox(row.id, "drain-separately", 300_000)) !== undefined) taken.push(row.id);
      }
    };
    const [fromA, fromB, fromA2, fromB2] = await Promise.all([drain(a), drain(b), drainSeparately(a), drainSeparately(b)]);
    const all = [...fromA, ...fromB, ...fromA2, ...fromB2];
    expect(all).toHaveLength(30);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  it("lists past outbox rows another connection holds locked (SKIP LOCKED)", async () => {
    const store = await replica();
    const outboxIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = request({ lockKey: `git/m${i}/production`, modelName: `m${i}` });
      await store.workflow.insertRequest(r);
      const id = randomUUID();
      await store.workflow.insertOutbox({ id, requestId: r.id, status: "PENDING", attempts: 0, steps: { holders: null, targetSet: false, demoted: [] }, nextAttemptAt: at(0), createdAt: at(i) });
      outboxIds.push(id);
    }
    // Another client (a tool, an older gateway) holds the oldest row.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query("begin");
      await other.query("select id from promotion_outbox where id = $1 for update", [outboxIds[0]]);
      expect((await store.workflow.listDueOutbox(at(100), 10)).map((o) => o.id)).toEqual([outboxIds[1]]);
      await other.query("rollback");
      expect((await store.workflow.listDueOutbox(at(100), 10)).map((o) => o.id)).toEqual(outboxIds);
    } finally {
      await other.end();
    }
  });

  it("a transaction that writes before it appends and one that appends before it writes the same row do not deadlock", async () => {
    const [a, b] = [await replica(), await replica()];
    const r = request({ status: "PENDING" });
    await a.workflow.insertRequest(r);
    const appended = gate();
    const hold = gate();
    const first = a.transaction(async (tx) => {
      await tx.appendAudit(auditInput("a", 1));
      appended.open();
      await hold.promise;
      return tx.workflow.setStatus(r.id, ["PENDING", "APPLYING"], "APPLYING", at(1));
    });
    await appended.promise;
    const second = b.transaction(async (tx) => {
      const changed = await tx.workflow.setStatus(r.id, ["PENDING", "APPLYING"], "REJECTED", at(2));
      await tx.appendAudit(auditInput("b", 1));
      return changed;
    });
    await untilSomeoneWaitsForALock(b.db);
    hold.open();
    // Without the write lock b would hold the row while waiting for the chain, and a the chain
    // while waiting for the row: PostgreSQL would fail one of them with "deadlock detected".
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect((await a.workflow.getRequest(r.id))?.status).toBe("REJECTED");
    expect(verifyAuditChain(await everyAuditEvent(a))).toEqual({ ok: true });
  });

  it("the same idempotency key raced from two replicas: one request, one ConflictError", async () => {
    const [a, b] = [await replica(), await replica()];
    for (let round = 0; round < 10; round++) {
      const key = `key-${round}`;
      const results = await Promise.allSettled([
        a.workflow.insertRequest(request({ idempotencyKey: key, lockKey: `git/a${round}/production` })),
        b.workflow.insertRequest(request({ idempotencyKey: key, lockKey: `git/b${round}/production` })),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
      expect(refused.reason).toBeInstanceOf(ConflictError);
      expect(refused.reason).toMatchObject({ field: "idempotencyKey", message: `idempotency key "${key}" was already used` });
    }
  });

  it("a writer that passed the pre-check while another replica's insert was uncommitted gets the same ConflictError", async () => {
    const [a, b] = [await replica(), await replica()];
    const hold = gate();
    const inserted = gate();
    const holding = a.transaction(async (tx) => {
      await tx.workflow.insertRequest(request({ idempotencyKey: "k", lockKey: "git/a/production" }));
      inserted.open();
      await hold.promise;
    });
    await inserted.promise;
    // b's pre-check cannot see a's uncommitted row; its insert waits for a's commit (write lock),
    // then the unique index refuses it.
    const racing = b.workflow.insertRequest(request({ idempotencyKey: "k", lockKey: "git/b/production" })).catch((e: unknown) => e);
    await untilSomeoneWaitsForALock(b.db);
    hold.open();
    await holding;
    const err = await racing;
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ field: "idempotencyKey" });
    // Same for the slot's lock key.
    const hold2 = gate();
    const inserted2 = gate();
    const holding2 = a.transaction(async (tx) => {
      await tx.workflow.insertRequest(request({ lockKey: "git/slot/production" }));
      inserted2.open();
      await hold2.promise;
    });
    await inserted2.promise;
    const racing2 = b.workflow.insertRequest(request({ lockKey: "git/slot/production" })).catch((e: unknown) => e);
    await untilSomeoneWaitsForALock(b.db);
    hold2.open();
    await holding2;
    const err2 = await racing2;
    expect(err2).toBeInstanceOf(ConflictError);
    expect(err2).toMatchObject({ field: "model" });
  });

  it("ensureDeployment raced from two replicas returns one deployment", async () => {
    const [a, b] = [await replica(), await replica()];
    for (let round = 0; round < 10; round++) {
      const [x, y] = await Promise.all([
        a.deployments.ensureDeployment(`bot-${round}`, "production", "alice", at(0)),
        b.deployments.ensureDeployment(`bot-${round}`, "production", "bob", at(1)),
      ]);
      expect(x).toEqual(y);
    }
    expect((await a.deployments.listDeployments({ first: 100 })).items).toHaveLength(10);
  });

  it("lockSlot holds another replica's lockSlot until the first transaction commits", async () => {
    const [a, b] = [await replica(), await replica()];
    const hold = gate();
    const locked = gate();
    const holding = a.transaction(async (tx) => {
      await tx.workflow.lockSlot("git/m/production");
      locked.open();
      await hold.promise;
      await tx.workflow.insertRequest(request({ lockKey: "git/m/production" }));
    });
    await locked.promise;
    const second = b.transaction(async (tx) => {
      await tx.workflow.lockSlot("git/m/production");
      // Read after the lock: a's request, committed while this transaction waited, is visible.
      return tx.workflow.listOpenFor("git", "support-triage", "production");
    });
    await untilSomeoneWaitsForALock(b.db);
    hold.open();
    await holding;
    expect(await second).toHaveLength(1);
  });

  it("an audit append on one replica wakes the listeners of another", async () => {
    const [a, b] = [await replica(), await replica()];
    const woken: number[] = [];
    const first = gate();
    b.onAuditAppended((seq) => {
      woken.push(seq);
      first.open();
    });
    await b.auditListening();
    const event = await a.transaction(async (tx) => {
      await tx.appendAudit(auditInput("a", 1));
      return tx.appendAudit(auditInput("a", 2));
    });
    await first.promise;
    expect(woken).toEqual([event.seq]);
    expect(event.seq).toBe(2);
  });

  it("another replica's commit wakes with its actions (AUDIT_ACTIONS_CHANNEL), but no commit does after commits the listener did not hear of", async () => {
    const [a, b] = [await replica(), await replica()];
    // Appended before b listens: b has heard of none of them.
    await a.appendAudit(auditInput("a", 1));
    const heard: { seq: number; actions: ReadonlySet<string> | undefined }[] = [];
    const own = gate();
    b.onAuditAppended((seq, actions) => {
      heard.push({ seq, actions });
      if (seq === 2) own.open();
    });
    await b.auditListening();
    // b's own commit follows seq 1, which b never heard of: what seq 1 appended is unknown to b's listeners.
    expect((await b.appendAudit({ ...auditInput("b", 2), action: "usage.report" })).seq).toBe(2);
    await own.promise;
    expect(heard).toEqual([{ seq: 2, actions: undefined }]);
    const fromA = gate();
    b.onAuditAppended((seq) => (seq === 3 ? fromA.open() : undefined));
    await a.appendAudit({ ...auditInput("a", 3), action: "usage.report" });
    await fromA.promise;
    // a's commit follows the last one b heard of: its NOTIFY told b what it appended.
    expect(heard).toEqual([
      { seq: 2, actions: undefined },
      { seq: 3, actions: new Set(["usage.report"]) },
    ]);
    // b's own next one is told with its actions too.
    await b.appendAudit({ ...auditInput("b", 4), action: "usage.report" });
    expect(heard[2]).toEqual({ seq: 4, actions: new Set(["usage.report"]) });
  });

  it("wakes without actions for a commit whose NOTIFY carries only its seq (an older replica's, or actions too long for a payload)", async () => {
    const [a, b] = [await replica(), await replica()];
    const heard: { seq: number; actions: ReadonlySet<string> | undefined }[] = [];
    let want = 0;
    let arrived = gate();
    b.onAuditAppended((seq, actions) => {
      heard.push({ seq, actions });
      if (seq >= want) arrived.open();
    });
    await b.auditListening();
    want = (await a.appendAudit({ ...auditInput("a", 1), action: "usage.report" })).seq;
    await arrived.promise;
    expect(heard.at(-1)).toEqual({ seq: want, actions: new Set(["usage.report"]) });
    // Actions too long for a NOTIFY payload: only the seq is sent, as an older replica sends it.
    arrived = gate();
    want = (await a.appendAudit({ ...auditInput("a", 2), action: `usage.report.${"x".repeat(8_000)}` })).seq;
    await arrived.promise;
    expect(heard.at(-1)).toEqual({ seq: want, actions: undefined });
    // An older replica's commit, as it announces it: its seq on the first channel, nothing else (the
    // listener reads nothing from the table on a wake-up, so the NOTIFY alone stands for the commit).
    arrived = gate();
    want += 1;
    await sql`select pg_notify('modelgate_audit', ${String(want)})`.execute(a.db);
    await arrived.promise;
    expect(heard.at(-1)).toEqual({ seq: want, actions: undefined });
  });

  it("a listener whose LISTEN connection was killed is woken again after the reconnect", async () => {
    const a = await replica();
    const dropped = gate();
    const b = await openPostgresStore({ url, onBackgroundError: (message) => (message.includes("LISTEN") ? dropped.open() : undefined) });
    opened.push(b);
    let want = Number.POSITIVE_INFINITY;
    let newest = 0;
    const woken = gate();
    const check = () => (newest >= want ? woken.open() : undefined);
    b.onAuditAppended((seq) => {
      newest = Math.max(newest, seq);
      check();
    });
    await b.auditListening();
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen modelgate_audit'`.execute(a.db);
    await dropped.promise;
    // Committed while b's connection is down (or just back): b must hear of it either way.
    want = (await a.appendAudit(auditInput("a", 1))).seq;
    check();
    await woken.promise;
    await b.auditListening();
  });

  it("close() ends the LISTEN connection", async () => {
    const store = await replica();
    store.onAuditAppended(() => undefined);
    await store.auditListening();
    const watcher = await replica();
    const listeners = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and query = 'listen modelgate_audit'`.execute(watcher.db))
        .rows[0]!.n;
    expect(await listeners()).toBe(1);
    await store.close();
    // pg_stat_activity drops a backend once it has exited: wait for that condition.
    const deadline = Date.now() + 20_000;
    while ((await listeners()) > 0) {
      if (Date.now() > deadline) throw new Error("the LISTEN connection is still open 20 s after close()");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await expect(store.ping()).rejects.toThrow(/after store\.close\(\)/);
  });

  it("openStore picks PostgreSQL from MODELGATE_DATABASE_URL and SQLite without it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "modelgate-open-pg-"));
    try {
      const withUrl = await loadConfig({ cwd: dir, env: { MODELGATE_DATABASE_URL: url, MODELGATE_DATA_DIR: join(dir, "data") } });
      expect(withUrl.config.database.url).toBe(url);
      const pgStore = await openStore(withUrl);
      try {
        expect(pgStore.dialect).toBe("postgres");
        await pgStore.appendAudit(auditInput("alice", 1));
      } finally {
        await pgStore.close();
      }
      const sqliteStore = await openStore(await loadConfig({ cwd: dir, env: { MODELGATE_DATA_DIR: join(dir, "data") } }));
      try {
        expect(sqliteStore.dialect).toBe("sqlite");
        expect((await sqliteStore.listAudit({ first: 10 })).items).toEqual([]);
      } finally {
        await sqliteStore.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a database.url that is not PostgreSQL is a config error that does not repeat the value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "modelgate-open-pg-"));
    try {
      const err = await loadConfig({ cwd: dir, env: { MODELGATE_DATABASE_URL: "mysql://root:hunter2@db/modelgate" } }).catch((e: unknown) => e);
      expect(String(err)).toContain("database.url");
      expect(String(err)).toContain("must be a PostgreSQL URL");
      expect(String(err)).not.toContain("hunter2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
