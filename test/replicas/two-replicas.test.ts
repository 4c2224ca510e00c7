/**
 * Two gateway processes on one embedded PostgreSQL: promotions and approvals split across them, a
 * subscriber on the follower, the leader killed (SIGKILL) while a promotion is being applied. The
 * trail verifies, every request is applied exactly once, the registry ends where the approvals said,
 * and the subscriber saw every event of both replicas in order without a gap.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { fromGlobalId } from "../../src/graphql/global-id.js";
import { createDatabase, uniqueDatabaseName } from "../peers/postgres.js";
import { FLEET_TOKENS, createFleet, eventually, type Fleet, type Replica } from "./replica-fleet.js";

let fleet: Fleet;
let a: Replica;
let b: Replica;
let client: Client | undefined;

beforeAll(async () => {
  const url = await createDatabase(inject("postgresUrl"), uniqueDatabaseName("fleet"));
  // One approval, no eval or canary gates: the test is about replicas, not gates.
  fleet = await createFleet(url, { policies: { rules: [{ gates: { approvals: 1 } }] } });
  // One after the other: both migrate the same database on start (the second finds it done).
  a = await fleet.start("a");
  b = await fleet.start("b");
}, 120_000);

afterAll(async () => {
  await client?.dispose();
  await fleet?.close();
});

const REQUEST = `mutation($input: PromotionRequestInput!) { promotionRequest(input: $input) { promotionRequest { id status } userErrors { code message } } }`;
const APPROVE = `mutation($id: ID!) { promotionApprove(input: { id: $id }) { promotionRequest { id status } userErrors { code message } } }`;
const STATUS = `query($id: ID!) { node(id: $id) { ... on PromotionRequest { status failure } } }`;

async function request(on: Replica, model: string, version: string, toStage: string): Promise<string> {
  const res = await on.as<{ promotionRequest: { promotionRequest: { id: string } | null; userErrors: unknown[] } }>("alice", REQUEST, {
    input: { backend: "example", model, version, toStage, environment: "production", reason: `two replicas: ${model}@${version}` },
  });
  expect(res.errors).toBeUndefined();
  expect(res.data?.promotionRequest.userErrors).toEqual([]);
  return res.data!.promotionRequest.promotionRequest!.id;
}

async function approve(on: Replica, who: "bob" | "carol", id: string): Promise<void> {
  const res = await on.as<{ promotionApprove: { userErrors: unknown[] } }>(who, APPROVE, { id });
  expect(res.data?.promotionApprove.userErrors).toEqual([]);
}

const rawId = (globalId: string): string => fromGlobalId(globalId).key[0] as string;

async function statusOf(on: Replica, id: string): Promise<string> {
  const res = await on.as<{ node: { status: string } }>("vic", STATUS, { id });
  return res.data?.node.status ?? "?";
}

describe("two replicas on one PostgreSQL", () => {
  it("split promotions and approvals, survive the leader's death mid-apply, and keep one verified trail", async () => {
    await eventually("one leader", async () => (await a.isLeader()) !== (await b.isLeader()));
    const [leader, follower] = (await a.isLeader()) ? [a, b] : [b, a];

    // A subscriber on the follower sees every event, whichever replica wrote it.
    const seen: { seq: number; action: string; actor: string; target: string }[] = [];
    client = createClient({
      url: `${follower.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${FLEET_TOKENS.vic}` },
      retryAttempts: 0,
    });
    const subscribed = new Promise<void>((resolveSubscribed, reject) => {
      let first = true;
      client!.subscribe<{ registryEvents: { seq: number; action: string; actor: string; target: string } }>(
        { query: "subscription { registryEvents(afterSeq: 0) { seq action actor target } }" },
        {
          next: (msg) => {
            if (msg.data) seen.push(msg.data.registryEvents);
            if (first) {
              first = false;
              resolveSubscribed();
            }
          },
          error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
          complete: () => undefined,
        },
      );
    });

    // Requests and approvals on different replicas; the leader applies.
    const p1 = await request(follower, "support-triage", "15", "PRODUCTION");
    await subscribed;
    await approve(leader, "bob", p1);
    const p2 = await request(leader, "reply-drafter", "4", "PRODUCTION");
    await approve(follower, "carol", p2);
    await eventually("p1 and p2 applied", async () => (await statusOf(follower, p1)) === "APPLIED" && (await statusOf(follower, p2)) === "APPLIED");

    // The third one's apply is under way on the leader when it dies: another git process holds the
    // registry's index lock, so the leader's write waits inside the apply; the leader is killed
    // there, then the lock goes away.
    const lock = join(fleet.dir, "registry", ".git", "index.lock");
    await writeFile(lock, "");
    const p3 = await request(follower, "ticket-embedder", "1", "STAGING");
    const p3Key = rawId(p3);
    await approve(follower, "bob", p3);
    await eventually("p3 queued", () => Promise.resolve(seen.some((e) => e.action === "promotion.queue" && e.target.includes(p3Key))), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await statusOf(follower, p3)).toBe("APPLYING");
    await leader.kill();
    await rm(lock);

    // The survivor takes over leadership and finishes p3 (after the dead leader's lease runs out).
    await eventually("survivor leads", () => follower.isLeader());
    await eventually("p3 applied", async () => (await statusOf(follower, p3)) === "APPLIED");

    // Applied exactly once each.
    const applies = await follower.as<{ auditEvents: { nodes: { target: string; outcome: string }[] } }>(
      "vic",
      `{ auditEvents(filter: { action: "promotion.apply", order: ASC }, first: 100) { nodes { target outcome } } }`,
    );
    for (const id of [p1, p2, p3]) {
      expect(applies.data!.auditEvents.nodes.filter((n) => n.target.includes(rawId(id)))).toEqual([expect.objectContaining({ outcome: "SUCCESS" })]);
    }

    // One unbroken chain, written by both replicas.
    const verification = await follower.as<{ auditVerification: { ok: boolean; events: number; firstBrokenSeq: number | null } }>(
      "vic",
      "{ auditVerification { ok events firstBrokenSeq } }",
    );
    expect(verification.data!.auditVerification).toMatchObject({ ok: true, firstBrokenSeq: null });

    // The registry ends where the approvals said.
    const stages = await follower.as<{ m: { versions: { nodes: { version: string; stage: string }[] } } }[]>(
      "vic",
      `{ t: model(backend: "example", name: "support-triage") { versions(first: 50) { nodes { version stage } } }
         r: model(backend: "example", name: "reply-drafter") { versions(first: 50) { nodes { version stage } } }
         e: model(backend: "example", name: "ticket-embedder") { versions(first: 50) { nodes { version stage } } } }`,
    );
    const stage = (alias: string, version: string) =>
      ((stages.data as unknown as Record<string, { versions: { nodes: { version: string; stage: string }[] } }>)[alias]!.versions.nodes.find((n) => n.version === version))?.stage;
    expect([stage("t", "15"), stage("t", "14"), stage("r", "4"), stage("r", "3"), stage("e", "1")]).toEqual(["PRODUCTION", "ARCHIVED", "PRODUCTION", "ARCHIVED", "STAGING"]);

    // The subscriber saw every event in order without a gap, including the survivor's apply of p3.
    await eventually("subscriber caught up", () => Promise.resolve(seen.some((e) => e.action === "promotion.apply" && e.target.includes(p3Key))), 15_000);
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(seqs[0]).toBe(1);
    expect(new Set(seen.map((e) => e.actor))).toEqual(new Set(["alice", "bob", "carol", "modelgate:outbox"]));
    expect(verification.data!.auditVerification.events).toBeGreaterThanOrEqual(seen.length);
  }, 180_000);
});
