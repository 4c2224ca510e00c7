/**
 * The client's deployment helpers against a real gateway (git-YAML example registry, SQLite store,
 * config tokens): record revisions, promote one through its approval, read it back, list what
 * runs in production, roll back, resolve the bundle with ETag revalidation, and keep serving the
 * last good answer (stale) once the gateway is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE, TOKENS, startWorkflowGateway, type Who, type WorkflowGateway } from "../../test/workflow/workflow-gateway.js";
import { ModelgateClient } from "./client.js";
import { ModelgateError, ModelgateUserError } from "./errors.js";
import type { DeploymentComponentInput, PromotionRequest } from "./types.js";

let gw: WorkflowGateway;
const clients = {} as Record<Who, ModelgateClient>;

beforeAll(async () => {
  gw = await startWorkflowGateway();
  for (const who of Object.keys(TOKENS) as Who[]) clients[who] = new ModelgateClient({ url: gw.url, token: TOKENS[who], timeoutMs: 10_000 });
});
afterAll(async () => {
  await gw?.stop();
});

const GOOD: DeploymentComponentInput[] = [
  { role: "classifier", backend: "example", model: "support-triage", version: "14", weight: 100 },
  { role: "retriever", backend: "example", model: "ticket-embedder", version: "2", weight: 100 },
  { role: "generation", backend: "example", model: "reply-drafter", version: "3", weight: 100 },
  { role: "generation", backend: "example", model: "reply-drafter", version: "4", weight: 0, shadow: true },
];
const BOT = { name: "support-bot", environment: "production" };

/** Follows a request through the client until it is no longer pending or applying. */
async function settled(id: string): Promise<PromotionRequest> {
  for (let i = 0; i < 300; i++) {
    const r = await clients.vic.promotionRequest(id);
    if (r.status !== "PENDING" && r.status !== "APPLYING") return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`request ${id} did not settle`);
}

async function approve(id: string): Promise<void> {
  const res = await gw.as("bob", APPROVE, { id });
  expect(res.data?.promotionApprove.userErrors).toEqual([]);
}

describe("ModelgateClient deployment helpers against a gateway", () => {
  let firstHash = "";

  it("records a revision, returns it unchanged when equal to the latest, and throws ModelgateUserError naming the field", async () => {
    const created = await clients.alice.deploymentRevisionCreate({ ...BOT, reason: "first bundle", components: GOOD });
    expect(created.unchanged).toBe(false);
    expect(created.deployment).toMatchObject(BOT);
    expect(created.revision).toMatchObject({ number: 1, status: "DRAFT", createdBy: "alice", reason: "first bundle" });
    expect(created.revision.components.map((c) => [c.role, c.modelName, c.version, c.weight, c.shadow, c.serving, c.stage])).toEqual([
      ["classifier", "support-triage", "14", 100, false, true, "PRODUCTION"],
      ["generation", "reply-drafter", "3", 100, false, true, "PRODUCTION"],
      ["generation", "reply-drafter", "4", 0, true, false, "SHADOW"],
      ["retriever", "ticket-embedder", "2", 100, false, true, "PRODUCTION"],
    ]);
    firstHash = created.revision.contentHash;

    const again = await clients.alice.deploymentRevisionCreate({ ...BOT, reason: "retry", components: [...GOOD].reverse() });
    expect(again).toMatchObject({ unchanged: true, revision: { number: 1, contentHash: firstHash } });

    const bad = await clients.alice
      .deploymentRevisionCreate({ ...BOT, reason: "x", components: [{ ...GOOD[0]!, weight: 150 }] })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ModelgateUserError);
    expect((bad as ModelgateUserError).userErrors[0]).toMatchObject({ field: ["input", "components", "0", "weight"], code: "INVALID_INPUT" });
    const viewer = await clients.vic.deploymentRevisionCreate({ ...BOT, reason: "x", components: GOOD }).catch((e: unknown) => e);
    expect(viewer).toMatchObject({ code: "FORBIDDEN" });
  });

  it("promotes the revision through its approval and reads the deployment, the list and what runs in production", async () => {
    const { promotionRequest, replayed } = await clients.alice.deploymentPromote({ ...BOT, revision: 1, reason: "ship #1" });
    expect(replayed).toBe(false);
    expect(promotionRequest).toMatchObject({
      kind: "PROMOTION",
      status: "PENDING",
      modelName: "support-bot",
      version: "1",
      requestedBy: "alice",
      deploymentRevision: { number: 1, status: "PENDING", contentHash: firstHash },
      gates: [{ gate: "APPROVAL", passed: false }],
    });
    await approve(promotionRequest.id);
    expect(await settled(promotionRequest.id)).toMatchObject({ status: "APPLIED", decisions: [{ actor: "bob", decision: "APPROVED" }] });

    const bot = await clients.vic.deployment("support-bot", "production");
    expect(bot).toMatchObject({ ...BOT, currentRevision: { number: 1, status: "ACTIVE" }, health: { status: "HEALTHY", problems: [] } });
    expect(bot.revisions.map((r) => [r.number, r.status])).toEqual([[1, "ACTIVE"]]);
    expect(bot.activations).toEqual([
      { revision: 1, activatedAt: expect.any(String), deactivatedAt: null, requestId: promotionRequest.id, requestKind: "PROMOTION" },
    ]);
    await expect(clients.vic.deployment("no-such-bot", "production")).rejects.toMatchObject({ code: "NOT_FOUND" });

    const page = await clients.vic.deployments({ environment: "production" });
    expect(page.deployments.map((d) => [d.name, d.currentRevision?.number, d.health.status])).toEqual([["support-bot", 1, "HEALTHY"]]);
    expect((await clients.vic.deployments({ environment: "staging" })).deployments).toEqual([]);

    const running = await clients.vic.whatRunsInProduction();
    expect(running).toMatchObject({ environment: "production", asOf: null, failedBackends: [] });
    expect(running.deployments).toEqual([
      expect.objectContaining({ name: "support-bot", revision: 1, contentHash: firstHash, approval: expect.objectContaining({ approvedBy: ["bob"], requestedBy: "alice" }) }),
    ]);
    const triage = running.versions.find((v) => v.registryVersion === "example/support-triage@14");
    expect(triage).toMatchObject({ standalone: false, usedBy: [{ deployment: "support-bot", role: "classifier", weight: 100, shadow: false }] });
  });

  it("rolls back to the previous revision in one call (approver), and answers asOf from the trail", async () => {
    const second = await clients.alice.deploymentRevisionCreate({ ...BOT, reason: "no shadow", components: GOOD.slice(0, 3) });
    const promoted = await clients.alice.deploymentPromote({ ...BOT, revision: second.revision.number, reason: "ship #2" });
    await approve(promoted.promotionRequest.id);
    expect((await settled(promoted.promotionRequest.id)).status).toBe("APPLIED");
    const whileTwo = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));

    const refused = await clients.alice.deploymentRollback({ ...BOT, reason: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModelgateUserError);
    expect(refused).toMatchObject({ code: "FORBIDDEN" });
    const rolled = await clients.carol.deploymentRollback({ ...BOT, reason: "answers got worse" });
    expect(rolled.promotionRequest).toMatchObject({ kind: "ROLLBACK", version: "1", deploymentRevision: { number: 1 } });
    expect((await settled(rolled.promotionRequest.id)).status).toBe("APPLIED");

    expect((await clients.vic.deployment("support-bot", "production")).currentRevision?.number).toBe(1);
    expect((await clients.vic.whatRunsInProduction({ asOf: whileTwo })).deployments.map((d) => d.revision)).toEqual([2]);
    await expect(clients.vic.promotionRequest("UHJvbW90aW9uUmVxdWVzdDpub3BlCg")).rejects.toBeInstanceOf(ModelgateError);
  });

  it("resolves the deployment's bundle, revalidates it with 304, and serves it stale once the gateway is gone", async () => {
    const client = clients.vic;
    const first = await client.resolve("support-bot", "production");
    expect(first.stale).toBe(false);
    const entry = first.entry;
    if (entry.kind !== "deployment") throw new Error(`expected a deployment, got ${entry.kind}`);
    expect(entry).toMatchObject({ name: "support-bot", revision: 1, contentHash: firstHash, registryVersion: "support-bot@production#1", etag: `"${firstHash}"` });
    expect(entry.components.map((c) => [c.role, c.registryVersion, c.serving, c.stage])).toEqual([
      ["classifier", "example/support-triage@14", true, "PRODUCTION"],
      ["generation", "example/reply-drafter@3", true, "PRODUCTION"],
      ["generation", "example/reply-drafter@4", false, "SHADOW"],
      ["retriever", "example/ticket-embedder@2", true, "PRODUCTION"],
    ]);
    expect(entry.components[1]?.prompt?.template).toBeTruthy();
    // Model names still resolve as models.
    expect((await client.resolve("support-triage", "production")).entry).toMatchObject({ kind: "model", registryVersion: "example/support-triage@14" });

    const again = await client.resolve("support-bot", "production");
    expect(again).toMatchObject({ notModified: true, stale: false });
    expect(again.entry).toBe(entry);

    await gw.close();
    const stale = await client.resolve("support-bot", "production");
    expect(stale).toMatchObject({ stale: true, notModified: false, etag: `"${firstHash}"`, staleReason: { code: "UNREACHABLE" } });
    expect(stale.entry).toBe(entry);
    expect(stale.fetchedAt).toEqual(again.fetchedAt);
    // Never resolved through this client: nothing to fall back on.
    await expect(client.resolve("reply-drafter", "production")).rejects.toMatchObject({ code: "UNREACHABLE" });
  });
});
