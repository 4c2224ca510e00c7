/**
 * Exactly once across two outbox workers, each with its own store connection (two pools on one
 * PostgreSQL database, two connections to one SQLite file) and its own adapter on one git-YAML
 * registry: the moment of a leader hand-over, when both believe they lead. A worker that lost its
 * lease is refused its next write and touches the backend no more; a backend call never outlives
 * the lease it was started under; a long apply keeps its row by renewing; a stopped worker aborts
 * its in-flight step and saves nothing of it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Logger } from "../../src/core/index.js";
import { expectGlobalId } from "../../src/graphql/global-id.js";
import { openPostgresStore } from "../../src/store/postgres-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { OutboxLeaseLostError } from "../../src/store/workflow-store.js";
import { OutboxWorker, type OutboxWorkerOptions } from "../../src/workflow/outbox-worker.js";
import { createMigratedDatabase } from "../support/postgres-template.js";
import { EXAMPLE_SEED } from "../support/test-gateway.js";
import { Stall, heldBackend, heldGitYaml, type HeldBackend } from "./held-git-yaml.js";
import { PROMOTE, auditActions, startWorkflowGateway, waitForStatus, type WorkflowGateway } from "./workflow-gateway.js";

type OpenedStore = Awaited<ReturnType<typeof openSqliteStore>> | Awaited<ReturnType<typeof openPostgresStore>>;

interface LogRecord {
  level: "info" | "warn" | "error";
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recordingLogger(records: LogRecord[]): Pick<Logger, "info" | "warn" | "error"> {
  const at = (level: LogRecord["level"]) => (obj: object, msg?: string) => void records.push({ level, obj: obj as Record<string, unknown>, msg });
  return { info: at("info"), warn: at("warn"), error: at("error") };
}

const PROMOTE_15 = {
  input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15" },
};

/** Polls `check` until it holds (a condition with a generous deadline, never a timing assertion). */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Replica {
  name: string;
  gw: WorkflowGateway;
  store: OpenedStore;
  worker?: OutboxWorker;
  log: LogRecord[];
}

/** What each test needs: two replicas on one store and one registry, and one request APPLYING. */
interface Scene {
  backend: HeldBackend;
  a: Replica;
  b: Replica;
  /** The request's id in the store. */
  requestId: string;
  /** Its id in the API. */
  nodeId: string;
  /** Starts a replica's outbox worker (under owner "worker-<name>"). */
  startWorker(r: Replica, opts?: OutboxWorkerOptions): OutboxWorker;
  outboxRow(): Promise<Record<string, unknown>>;
}

const DIALECTS: { name: string; opener: (dir: string) => Promise<() => Promise<OpenedStore>> }[] = [
  {
    name: "PostgreSQL",
    opener: async () => {
      const url = await createMigratedDatabase(inject("postgresUrl"), "leases");
      return () => openPostgresStore({ url });
    },
  },
  { name: "SQLite", opener: async (dir) => () => openSqliteStore({ file: join(dir, "modelgate.db") }) },
];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe.each(DIALECTS)("outbox leases on $name", ({ opener }) => {
  async function scene(): Promise<Scene> {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-leases-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const open = await opener(dir);
    const backend = heldBackend();
    const replica = async (name: string): Promise<Replica> => {
      let store: OpenedStore | undefined;
      const gw = await startWorkflowGateway({
        dir,
        config: {
          policies: { rules: [{ gates: {} }] },
          // The backend's own per-call timeout out of the way: the lease must bound the calls.
          backends: [{ id: "example", kind: "held-git-yaml", repo: join(dir, "registry"), seedFrom: EXAMPLE_SEED, timeoutMs: 120_000 }],
        },
        factories: heldGitYaml(backend, name),
        outbox: false,
        openStore: async () => (store = await open()),
      });
      const r: Replica = { name, gw, store: store!, log: [] };
      cleanup.push(async () => {
        await r.worker?.stop();
        await gw.close();
        await gw.gateway.close();
      });
      return r;
    };
    const a = await replica("A");
    const b = await replica("B");
    // Runs first (cleanups run newest first): a stall left by a failed test must not hold a worker's stop.
    cleanup.push(async () => {
      for (const stall of backend.stalls) stall.release();
    });
    const req = (await a.gw.as("alice", PROMOTE, PROMOTE_15)).data!.promotionRequest.promotionRequest;
    expect(req.status).toBe("APPLYING");
    // From here on: the workers' calls only.
    backend.calls.clear();
    const [requestId] = expectGlobalId(req.id as string, "PromotionRequest", 1) as [string];
    return {
      backend,
      a,
      b,
      requestId,
      nodeId: req.id as string,
      startWorker(r, opts = {}) {
        const services = r.gw.gateway.services;
        r.worker = new OutboxWorker(services.store, services.catalog, recordingLogger(r.log), {
          pollMs: 20,
          baseBackoffMs: 20,
          callTimeoutMs: 120_000,
          owner: `worker-${r.name}`,
          ...opts,
        });
        r.worker.start();
        return r.worker;
      },
      async outboxRow() {
        const row = await a.store.workflow.getOutboxByRequest(requestId);
        return { ...row };
      },
    };
  }

  it("refuses the write of a worker whose lease ran out mid-apply; the new holder applies each step once, with one apply event", async () => {
    const s = await scene();
    // A stalls in the apply's first backend call (reading which versions hold PRODUCTION).
    const stall = new Stall("A", "listVersions");
    s.backend.stalls.push(stall);
    s.startWorker(s.a);
    await stall.entered;
    expect(await s.outboxRow()).toMatchObject({ leaseOwner: "worker-A", leaseToken: 1 });

    // A's lease runs out while it is stalled (as if its whole process paused: its own deadline timers
    // could not fire either): set in the database, whose clock decides.
    await sql`update promotion_outbox set lease_until = '2000-01-01T00:00:00.000Z' where request_id = ${s.requestId}`.execute(s.a.store.db);
    s.startWorker(s.b);
    expect((await waitForStatus(s.a.gw, s.nodeId, undefined, 60_000)).status).toBe("APPLIED");
    expect(await s.outboxRow()).toMatchObject({ status: "DONE", leaseToken: 2 });

    // A wakes up: its next write (saving what it read) is refused, and it stops on the row.
    stall.release();
    await until("A reports its lost lease", () => s.a.log.some((l) => l.obj.err instanceof OutboxLeaseLostError));
    const lost = s.a.log.find((l) => l.obj.err instanceof OutboxLeaseLostError)!;
    expect(lost).toMatchObject({ level: "warn", obj: { owner: "worker-A", token: 1, requestId: s.requestId } });
    expect((lost.obj.err as Error).message).toContain("lease 1 of worker-A is no longer held (released; newest lease is 2)");
    await s.a.worker!.stop();
    await s.b.worker!.stop();

    // A made no backend call after the stalled read; the backend saw each step once, from B.
    expect(s.backend.calls.get("A")).toEqual(["listVersions"]);
    expect(s.backend.writes).toEqual(["B 15:PRODUCTION", "B 14:ARCHIVED"]);
    expect(await auditActions(s.a.gw, "promotion.apply")).toMatchObject([{ outcome: "SUCCESS" }]);
    expect(await auditActions(s.a.gw, "promotion.demote")).toHaveLength(1);
    expect(await s.outboxRow()).toMatchObject({ status: "DONE", leaseToken: 2, steps: { holders: ["14"], targetSet: true, demoted: ["14"] } });
  }, 120_000);

  it("ends a backend call before the lease it was started under can run out, so the write never reaches the backend after a hand-over", async () => {
    const s = await scene();
    // A's write of the target stalls and would go through whenever the test lets it: only the
    // call's lease-bound deadline can stop it.
    const stall = new Stall("A", "setStage", (args) => args[1] === "15");
    s.backend.stalls.push(stall);
    s.startWorker(s.a, { leaseMs: 4_000, leaseMarginMs: 1_500 });
    await stall.entered;
    s.startWorker(s.b, { leaseMs: 4_000, leaseMarginMs: 1_500 });
    // Cut off by its own deadline (a timeout, not a stop), before the lease could pass to B.
    await until("A's stalled write is cut off", () => stall.outcome !== undefined);
    expect(stall.outcome).toEqual({ aborted: "TimeoutError" });

    expect((await waitForStatus(s.a.gw, s.nodeId, undefined, 60_000)).status).toBe("APPLIED");
    stall.release();
    await s.a.worker!.stop();
    await s.b.worker!.stop();
    expect(s.backend.writes.map((w) => w.slice(2)).sort()).toEqual(["14:ARCHIVED", "15:PRODUCTION"]);
    expect(await auditActions(s.a.gw, "promotion.apply")).toMatchObject([{ outcome: "SUCCESS" }]);
  }, 120_000);

  it("keeps the row through an apply longer than its lease by renewing before every backend call", async () => {
    const s = await scene();
    // Every call of A takes at least 1.05 s more: the whole apply (5 calls, at least 5.25 s) takes
    // longer than the 5 s lease, while each call leaves 3.7 s of its 4.75 s budget for the git work
    // on a loaded machine (was 3.5 s, with 6 s lease, 1 s margin and 1.5 s per call: 7.5 s). The
    // margin is small: no other worker's request is in flight here for it to cover.
    const lease = { leaseMs: 5_000, leaseMarginMs: 250 };
    const delayMs = 1_050;
    s.backend.delays.set("A", delayMs);
    const first = new Stall("A", "listVersions");
    s.backend.stalls.push(first);
    s.startWorker(s.a, lease);
    await first.entered;
    first.release();
    s.startWorker(s.b, lease);
    expect((await waitForStatus(s.a.gw, s.nodeId, undefined, 60_000)).status).toBe("APPLIED");
    await s.a.worker!.stop();
    await s.b.worker!.stop();
    // The apply outlasted one lease: its calls' delays alone add up to more.
    expect((s.backend.calls.get("A") ?? []).length * delayMs).toBeGreaterThan(lease.leaseMs);
    expect(s.backend.writes).toEqual(["A 15:PRODUCTION", "A 14:ARCHIVED"]);
    expect(s.backend.calls.get("B") ?? []).toEqual([]);
    expect(await s.outboxRow()).toMatchObject({ status: "DONE", leaseToken: 1 });
    expect(await auditActions(s.a.gw, "promotion.apply")).toMatchObject([{ outcome: "SUCCESS" }]);
  }, 120_000);

  it("a stopped worker aborts its in-flight step, saves nothing of it, and hands the row to the next worker", async () => {
    const s = await scene();
    const stall = new Stall("A", "setStage", (args) => args[1] === "15");
    s.backend.stalls.push(stall);
    const a = s.startWorker(s.a, { leaseMarginMs: 500 });
    await stall.entered;
    await a.stop();
    // Aborted by the stop (not a timeout), before it reached the backend; no undo was tried.
    expect(stall.outcome).toEqual({ aborted: "AbortError" });
    expect(s.backend.writes).toEqual([]);
    expect(s.backend.calls.get("A")).toEqual(["listVersions", "setStage 15:PRODUCTION"]);
    // Only the step before it (the holders it read, with its attempt) is saved; the request is
    // still being applied.
    expect(await s.outboxRow()).toMatchObject({
      status: "PENDING",
      attempts: 1,
      lastError: null,
      steps: { holders: ["14"], targetSet: false, demoted: [] },
      leaseOwner: "worker-A",
      leaseToken: 1,
    });
    expect((await waitForStatus(s.a.gw, s.nodeId, ["APPLYING"])).status).toBe("APPLYING");
    expect(await auditActions(s.a.gw, "promotion.apply")).toEqual([]);

    s.startWorker(s.b);
    expect((await waitForStatus(s.a.gw, s.nodeId, undefined, 60_000)).status).toBe("APPLIED");
    expect(s.backend.writes).toEqual(["B 15:PRODUCTION", "B 14:ARCHIVED"]);
    expect(await s.outboxRow()).toMatchObject({ status: "DONE", leaseToken: 2 });
    expect(await auditActions(s.a.gw, "promotion.apply")).toMatchObject([{ outcome: "SUCCESS" }]);
  }, 120_000);
});
