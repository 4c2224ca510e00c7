/**
 * The PostgreSQL store under several writers, on an embedded PostgreSQL server started here:
 * server start time, N concurrent audit appends from each of two stores (two replicas' pools) into
 * one chain, and two stores draining one outbox. Timings only; correctness is in
 * src/store/postgres-store.test.ts.
 *
 *   npx tsx bench/postgres-store.ts        (BENCH_PG_APPENDS: appends per store, default 50)
 */
import { randomUUID } from "node:crypto";
import { createDatabase, startPostgresServer } from "../test/peers/postgres.js";
import { verifyAuditChain } from "../src/store/audit-chain.js";
import { openPostgresStore, type PostgresStore } from "../src/store/postgres-store.js";
import { everyAuditEvent } from "../test/support/audit-trail.js";

const appendsPerStore = Number(process.env.BENCH_PG_APPENDS ?? "50");
if (!Number.isInteger(appendsPerStore) || appendsPerStore < 1) throw new Error(`BENCH_PG_APPENDS must be a whole number >= 1`);


const server = await startPostgresServer();
try {
  console.log(`PostgreSQL started in ${server.startMs} ms`);
  const url = await createDatabase(server.url, "bench_store");
  let t = Date.now();
  const a = await openPostgresStore({ url });
  const b = await openPostgresStore({ url });
  console.log(`two stores opened (first one migrating) in ${Date.now() - t} ms`);
  try {
    t = Date.now();
    await Promise.all(
      [a, b].flatMap((store, s) =>
        Array.from({ length: appendsPerStore }, (_, i) =>
          store.appendAudit({ actor: `replica-${s}`, action: "alias.set", targetType: "alias", target: `m@${i}`, outcome: "SUCCESS" }),
        ),
      ),
    );
    const ms = Date.now() - t;
    const events = await everyAuditEvent(a);
    console.log(
      `2 x ${appendsPerStore} concurrent appends: ${ms} ms (${((2 * appendsPerStore * 1000) / ms).toFixed(0)} appends/s), chain ${JSON.stringify(verifyAuditChain(events))}`,
    );

    const rows = 100;
    for (let i = 0; i < rows; i++) {
      const requestId = randomUUID();
      await a.workflow.insertRequest({
        id: requestId, kind: "PROMOTION", backendId: "git", modelName: `m${i}`, version: "1", environment: "production",
        fromStage: "STAGING", toStage: "PRODUCTION", demoteTo: "ARCHIVED", previousVersions: [], status: "APPLYING",
        requestedBy: "bench", reason: "bench", policy: { source: "bench", eval: null, canary: false, approvals: 0 },
        idempotencyKey: null, inputHash: null, lockKey: `git/m${i}/production`, at: new Date(0),
      });
      await a.workflow.insertOutbox({ id: randomUUID(), requestId, status: "PENDING", attempts: 0, steps: { holders: null, targetSet: false, demoted: [] }, nextAttemptAt: new Date(0), createdAt: new Date(i) });
    }
    const now = new Date(1_000);
    const drain = async (store: PostgresStore): Promise<number> => {
      let taken = 0;
      for (;;) {
        const got = await store.transaction(async (tx) => {
          const [row] = await tx.workflow.listDueOutbox(now, 1);
          if (row === undefined) return undefined;
          return (await tx.workflow.leaseOutbox(row.id, "bench", 60_000)) !== undefined;
        });
        if (got === undefined) return taken;
        if (got) taken++;
      }
    };
    t = Date.now();
    const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
    console.log(`two stores drained ${rows} outbox rows in ${Date.now() - t} ms (${fromA} + ${fromB} leased)`);
  } finally {
    await a.close();
    await b.close();
  }
} finally {
  await server.stop();
}
