/**
 * The leader's rollout pass against a real gateway (git-YAML, SQLite), driven by hand: a pass
 * repeated (a leader that crashed after queuing) replays the same step request, and a step request
 * whose rollout was paused before the outbox applied it fails naming why, moving nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { auditActions, startWorkflowGateway, type WorkflowGateway } from "../../../test/workflow/workflow-gateway.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import { createCallContext } from "../../core/index.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** The leader's own pass effectively off: the test runs it. */
const MANUAL = { background: { rolloutPollMs: 600_000 } };
const ctx = (id: string) => createCallContext({ timeoutMs: 30_000, actor: { id, displayName: id, roles: ["publisher", "approver"] } });

async function ship(g: WorkflowGateway, version: string, rollout?: object): Promise<void> {
  const s = g.gateway.services;
  const { revision } = await s.deployments.createRevision(
    { name: "bot", environment: "staging", reason: `triage ${version}`, components: [{ role: "c", backend: "example", model: "support-triage", version, weight: 100, shadow: false }], ...(rollout ? { rollout: rollout as never } : {}) },
    ctx("alice"),
  );
  const { request } = await s.deploymentPromotions.promote({ name: "bot", environment: "staging", revision: revision.number, reason: "ship" }, ctx("alice"));
  if (request.status === "PENDING") await s.promotions.approve(request.id, "ok", ctx("bob"));
  expect((await settled(g, request.id)).status).toBe("APPLIED");
}

/** Polls the store until the request is APPLIED or FAILED. */
async function settled(g: WorkflowGateway, id: string): Promise<PromotionRequestRecord> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await g.gateway.services.store.workflow.getRequest(id);
    if (r !== undefined && (r.status === "APPLIED" || r.status === "FAILED")) return r;
    if (Date.now() > deadline) throw new Error(`request ${id} still ${String(r?.status)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe("rollout pass", () => {
  it("replays the same step request when repeated, and a step queued before a pause fails without moving the rollout", async () => {
    gw = await startWorkflowGateway({ config: MANUAL });
    const dir = gw.dir;
    await ship(gw, "14");
    await ship(gw, "15", { steps: [{ weight: 10, holdSeconds: 0 }, { weight: 100, holdSeconds: 0 }] });
    await gw.gateway.services.promotions.recordCanary({ backend: "example", model: "support-triage", version: "15", environment: "staging", clean: true, requests: 10 }, ctx("alice"));
    await gw.close();
    await gw.gateway.close();

    gw = await startWorkflowGateway({ dir, config: MANUAL, outbox: false });
    const s = gw.gateway.services;
    await s.rollouts.tick();
    await s.rollouts.tick();
    const advances = await auditActions(gw, "deployment.rollout_advance");
    expect(advances).toHaveLength(1);
    const requestId = advances[0]!.after.requestId as string;
    await s.rollouts.pause({ name: "bot", environment: "staging", reason: "hold on" }, ctx("alice"));
    await gw.close();
    await gw.gateway.close();

    gw = await startWorkflowGateway({ dir, config: MANUAL });
    const failed = await settled(gw, requestId);
    expect(failed).toMatchObject({ status: "FAILED" });
    expect(failed.failure).toContain("the rollout of bot#2 is PAUSED");
    const deployment = (await gw.gateway.services.store.deployments.getDeployment("bot", "staging"))!;
    expect(await gw.gateway.services.store.lifecycle.openRollout(deployment.id)).toMatchObject({ status: "PAUSED", step: 0 });
    expect(await auditActions(gw, "deployment.rollout_step")).toEqual([]);
  }, 120_000);
});
