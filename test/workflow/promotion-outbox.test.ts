/**
 * Applying through the outbox: crash-and-resume exactly once, a failing apply that leaves the
 * previous production version in place, transient failures retried.
 */
import { afterEach, describe, expect, it } from "vitest";
import { faultyGitYaml, type SetStageFaults } from "./faulty-git-yaml.js";
import {
  PROMOTE,
  STAGE_OF,
  auditActions,
  commitCount,
  startWorkflowGateway,
  waitForStatus,
  type WorkflowGateway,
} from "./workflow-gateway.js";

let gws: WorkflowGateway[] = [];
afterEach(async () => {
  for (const gw of gws) await gw.close();
  const dir = gws[0]?.dir;
  if (dir !== undefined) await gws[0]!.stop();
  gws = [];
});

/** No gates: a request is queued in the transaction that creates it. */
const NO_GATES = { policies: { rules: [{ gates: {} }] } };
const PROMOTE_15 = {
  input: { backend: "example", model: "support-triage", version: "15", toStage: "PRODUCTION", environment: "production", reason: "ship 15" },
};

async function start(opts: Parameters<typeof startWorkflowGateway>[0]): Promise<WorkflowGateway> {
  const gw = await startWorkflowGateway(opts);
  gws.push(gw);
  return gw;
}

describe("outbox", () => {
  it("resumes a committed promotion after a restart and applies it exactly once", async () => {
    const first = await start({ config: NO_GATES, outbox: false });
    const commitsBefore = commitCount(first.repo);
    const req = (await first.as("alice", PROMOTE, PROMOTE_15)).data!.promotionRequest.promotionRequest;
    expect(req.status).toBe("APPLYING");
    // Nothing applied while no worker runs: the request, its events and the outbox row are committed.
    await new Promise((r) => setTimeout(r, 200));
    expect((await waitForStatus(first, req.id, ["APPLYING"])).status).toBe("APPLYING");
    expect(commitCount(first.repo)).toBe(commitsBefore);
    expect((await first.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("STAGING");
    await first.close();
    await first.gateway.close();

    const second = await start({ dir: first.dir, config: NO_GATES });
    expect((await waitForStatus(second, req.id)).status).toBe("APPLIED");
    // Let any duplicate attempt show itself.
    await new Promise((r) => setTimeout(r, 300));
    expect(commitCount(second.repo)).toBe(commitsBefore + 2); // 15 -> production, 14 -> retired
    expect(await auditActions(second, "promotion.apply")).toHaveLength(1);
    expect(await auditActions(second, "promotion.demote")).toHaveLength(1);
    expect((await second.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await second.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("ARCHIVED");
  });

  it("resumes mid-way after a stop: the step already done is not repeated", async () => {
    // The first gateway sets 15 to PRODUCTION, then cannot demote 14 (an outage) and is stopped.
    const down: SetStageFaults = { fail: new Map([["14:ARCHIVED", "outage"]]), calls: [] };
    const first = await start({
      config: NO_GATES,
      backendKind: "faulty-git-yaml",
      factories: faultyGitYaml(down),
      outbox: { pollMs: 20, baseBackoffMs: 50, maxAttempts: 1000 },
    });
    const commitsBefore = commitCount(first.repo);
    const req = (await first.as("alice", PROMOTE, PROMOTE_15)).data!.promotionRequest.promotionRequest;
    const until = Date.now() + 60_000;
    while (!down.calls.includes("14:ARCHIVED")) {
      if (Date.now() > until) throw new Error("the first gateway never tried to demote 14");
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.close();
    await first.gateway.close();
    expect(down.calls.filter((c) => c === "15:PRODUCTION")).toHaveLength(1);
    expect(commitCount(first.repo)).toBe(commitsBefore + 1);

    const up: SetStageFaults = { fail: new Map(), calls: [] };
    const second = await start({ dir: first.dir, config: NO_GATES, backendKind: "faulty-git-yaml", factories: faultyGitYaml(up) });
    expect((await waitForStatus(second, req.id)).status).toBe("APPLIED");
    expect(up.calls).toEqual(["14:ARCHIVED"]);
    expect(commitCount(second.repo)).toBe(commitsBefore + 2);
    expect(await auditActions(second, "promotion.apply")).toMatchObject([{ outcome: "SUCCESS" }]);
  });

  it("ends FAILED with the backend's reason and puts the new version back when demoting the old one fails", async () => {
    const faults: SetStageFaults = { fail: new Map([["14:ARCHIVED", "refused"]]), calls: [] };
    const gw = await start({
      config: NO_GATES,
      backendKind: "faulty-git-yaml",
      factories: faultyGitYaml(faults),
    });
    const req = (await gw.as("alice", PROMOTE, PROMOTE_15)).data!.promotionRequest.promotionRequest;
    const done = await waitForStatus(gw, req.id);
    expect(done.status).toBe("FAILED");
    expect(done.failure).toBe("CONFLICT: example refused to set 14:ARCHIVED (injected) (put 15 back in STAGING)");
    expect(faults.calls).toEqual(["15:PRODUCTION", "14:ARCHIVED", "15:STAGING"]);
    expect((await gw.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("PRODUCTION");
    expect((await gw.as("vic", STAGE_OF, { v: "15" })).data?.modelVersion.stage).toBe("STAGING");
    const applies = await auditActions(gw, "promotion.apply");
    expect(applies).toMatchObject([{ actor: "modelgate:outbox", outcome: "FAILURE", error: done.failure, after: { undone: ["put 15 back in STAGING"] } }]);
    const current = await gw.as("vic", '{ production(environment: "production") { version request { id } } }');
    expect(current.data?.production).toEqual([{ version: "14", request: null }]);
  });

  it("retries a transient failure and fails after the last attempt, changing nothing", async () => {
    const faults: SetStageFaults = { fail: new Map([["15:PRODUCTION", "outage"]]), calls: [] };
    const gw = await start({
      config: NO_GATES,
      backendKind: "faulty-git-yaml",
      factories: faultyGitYaml(faults),
      outbox: { pollMs: 20, baseBackoffMs: 10, maxAttempts: 3 },
    });
    const commitsBefore = commitCount(gw.repo);
    const req = (await gw.as("alice", PROMOTE, PROMOTE_15)).data!.promotionRequest.promotionRequest;
    const done = await waitForStatus(gw, req.id);
    expect(done.status).toBe("FAILED");
    expect(done.failure).toContain("UNAVAILABLE: example is down (injected)");
    expect(faults.calls.every((c) => c === "15:PRODUCTION")).toBe(true);
    expect(faults.calls.length).toBeGreaterThanOrEqual(3);
    expect(commitCount(gw.repo)).toBe(commitsBefore);
    expect((await gw.as("vic", STAGE_OF, { v: "14" })).data?.modelVersion.stage).toBe("PRODUCTION");
  });
});
