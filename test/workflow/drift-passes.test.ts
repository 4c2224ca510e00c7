/**
 * Drift passes that do not starve: over a slow backend (test/support/delayed-adapter.ts in front of
 * real git-YAML registries), every model gets its own deadline, a pass that runs out of time says so
 * (driftStatus, a warn log) and the next one resumes where it stopped, so a list longer than one pass
 * is covered across passes; a hanging model fails alone while the others are checked.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BUILT_IN_ADAPTERS } from "../../src/app/adapter-registry.js";
import { DriftPoller } from "../../src/workflow/drift-poller.js";
import { delayedFactories } from "../support/delayed-adapter.js";
import { startWorkflowGateway, type ParsedJson, type WorkflowGateway } from "./workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** A registry seed of `count` models named `${prefix}00`, `${prefix}01`...: each has version 1 in production, put there by hand. */
async function seed(count: number, prefix: string): Promise<{ dir: string; names: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-drift-seed-"));
  await mkdir(join(dir, "models"));
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, "0")}`);
  for (const name of names) {
    await writeFile(join(dir, "models", `${name}.yaml`), `name: ${name}\nversions:\n  - version: 1\n    status: production\n    artifact_uri: s3://bucket/${name}/1\n`);
  }
  return { dir, names };
}

const STATUS = `{ driftStatus {
  polling intervalSeconds
  currentPass { modelsTotal }
  lastPass { startedAt finishedAt modelsTotal modelsChecked modelsFailed complete unfinishedReason failures { backend model error } }
  resumeAt { backend model }
} }`;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("drift passes over a slow backend", () => {
  it("cover every model across passes, each resuming where the last one stopped, and report the unfinished ones", async () => {
    const { dir: seedDir, names } = await seed(8, "m");
    const dir = await mkdtemp(join(tmpdir(), "modelgate-workflow-"));
    gw = await startWorkflowGateway({
      dir,
      config: { backends: [{ id: "slow", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: seedDir }] },
      // Every backend call takes 40 ms or more: listing the models alone outlasts the pass budget below.
      factories: delayedFactories(BUILT_IN_ADAPTERS, { slow: 40 }),
    });
    const passes = gw.gateway.services.drift.passes;

    const checkedPerPass: string[][] = [];
    for (let pass = 1; pass <= names.length; pass++) {
      // A 1 ms budget: each pass starts its first model (every pass makes progress), and no other.
      const report = await passes.run({ passTimeoutMs: 1, concurrency: 2 });
      checkedPerPass.push(report.results.map((r) => r.model));
      expect(report.modelsTotal).toBe(names.length);
      expect(report.modelsFailed).toBe(0);
      // The cursor walks round: after the last model, the next pass starts at the first again.
      const next = names[pass % names.length]!;
      expect(report.unfinishedReason).toBe(`the pass used its time budget (drift.passTimeoutSeconds) after 1 of ${names.length} models; the next pass resumes at slow/${next}`);
      expect(report.resumeAt).toEqual({ backendId: "slow", model: next });
      if (pass === 1) {
        // Exposed while it stands: the last pass did not finish, and where the next one starts.
        const status = await gw.as("vic", STATUS);
        expect(status.errors).toBeUndefined();
        expect(status.data?.driftStatus).toMatchObject({
          polling: false,
          currentPass: null,
          lastPass: { modelsTotal: names.length, modelsChecked: 1, modelsFailed: 0, complete: false, unfinishedReason: report.unfinishedReason, failures: [] },
          resumeAt: { backend: "slow", model: next },
        });
      }
    }
    // Resumed each time: one model per pass, in order, none twice, all of them.
    expect(checkedPerPass).toEqual(names.map((n) => [n]));
    const drifts = await gw.as("vic", `{ drifts(first: 100) { nodes { kind model version actualStage } } }`);
    expect((drifts.data?.drifts.nodes as ParsedJson[]).map((n: ParsedJson) => n.model).sort()).toEqual(names);
    expect((drifts.data?.drifts.nodes as ParsedJson[]).every((n: ParsedJson) => n.kind === "UNAPPROVED_IN_STAGE" && n.actualStage === "PRODUCTION")).toBe(true);

    // A pass with time enough covers everything (from where the cursor stands) and ends complete.
    const full = await passes.run({ concurrency: 4 });
    expect(full).toMatchObject({ modelsTotal: names.length, modelsChecked: names.length, modelsFailed: 0, unfinishedReason: null, resumeAt: null });
    const status = await gw.as("vic", STATUS);
    expect(status.data?.driftStatus).toMatchObject({ lastPass: { complete: true, unfinishedReason: null, modelsChecked: names.length }, resumeAt: null });
  }, 120_000);

  it("gives each model its own deadline: a hanging backend's models fail alone while the others are checked", async () => {
    const fast = await seed(3, "fast");
    const slow = await seed(2, "slow");
    const dir = await mkdtemp(join(tmpdir(), "modelgate-workflow-"));
    gw = await startWorkflowGateway({
      dir,
      config: {
        backends: [
          { id: "fast", kind: "git-yaml", repo: join(dir, "fast"), seedFrom: fast.dir },
          { id: "slow", kind: "git-yaml", repo: join(dir, "slow"), seedFrom: slow.dir },
        ],
      },
      // The slow backend lists its models but never answers for their versions (within a minute).
      factories: delayedFactories(BUILT_IN_ADAPTERS, { slow: 60_000 }, undefined, ["listVersions", "getVersion"]),
    });
    const report = await gw.gateway.services.drift.passes.run({ modelTimeoutMs: 2_000, concurrency: 2 });
    expect(report).toMatchObject({ modelsTotal: 5, modelsChecked: 3, modelsFailed: 2, unfinishedReason: null, resumeAt: null });
    expect(report.results.map((r) => `${r.backendId}/${r.model}`).sort()).toEqual(fast.names.map((n) => `fast/${n}`));
    expect(report.failures.map((f) => `${f.backendId}/${f.model}`).sort()).toEqual(slow.names.map((n) => `slow/${n}`));
    for (const f of report.failures) expect(f.error).toMatch(/^DEADLINE_EXCEEDED/);
    const status = await gw.as("vic", STATUS);
    expect(status.data?.driftStatus.lastPass).toMatchObject({ complete: true, modelsChecked: 3, modelsFailed: 2 });
    expect((status.data?.driftStatus.lastPass.failures as ParsedJson[]).map((f: ParsedJson) => f.backend)).toEqual(["slow", "slow"]);
  }, 120_000);

  it("runs from modelgate.yaml's drift settings, and the poller logs a pass that did not finish", async () => {
    const { dir: seedDir, names } = await seed(6, "p");
    const dir = await mkdtemp(join(tmpdir(), "modelgate-workflow-"));
    gw = await startWorkflowGateway({
      dir,
      drift: true,
      config: {
        backends: [{ id: "slow", kind: "git-yaml", repo: join(dir, "registry"), seedFrom: seedDir }],
        drift: { intervalSeconds: 5, passTimeoutSeconds: 0.001, modelTimeoutSeconds: 30, concurrency: 2 },
      },
      factories: delayedFactories(BUILT_IN_ADAPTERS, { slow: 40 }),
    });
    // The gateway's own poller (first pass after intervalSeconds) reports in driftStatus.
    const status = await until(
      "an unfinished pass in driftStatus",
      async () => (await gw!.as("vic", STATUS)).data?.driftStatus as ParsedJson,
      (s) => s?.lastPass != null,
    );
    expect(status).toMatchObject({
      polling: true,
      intervalSeconds: 5,
      lastPass: { modelsTotal: names.length, modelsChecked: 1, complete: false, unfinishedReason: expect.stringContaining("the next pass resumes at slow/p01") },
      resumeAt: { backend: "slow", model: "p01" },
    });
    await gw.close();

    // A poller of its own with a logger that keeps what it is told: the unfinished pass is a warning.
    const warnings: { obj: ParsedJson; msg: string | undefined }[] = [];
    const logger = { info() {}, error() {}, warn: (obj: object, msg?: string) => warnings.push({ obj, msg }) };
    gw = await startWorkflowGateway({ dir, config: { backends: [{ id: "slow", kind: "git-yaml", repo: join(dir, "registry") }] }, factories: delayedFactories(BUILT_IN_ADAPTERS, { slow: 40 }) });
    const poller = new DriftPoller(gw.gateway.services.drift.passes, logger, { intervalMs: 20, passTimeoutMs: 1, concurrency: 2 });
    poller.start();
    try {
      const warned = await until(
        "a warning about an unfinished pass",
        async () => warnings.find((w) => w.msg?.startsWith("drift pass did not finish")),
        (w) => w !== undefined,
      );
      expect(warned!.msg).toMatch(/^drift pass did not finish: the pass used its time budget \(drift.passTimeoutSeconds\) after 1 of 6 models; the next pass resumes at slow\/p0\d$/);
      expect(warned!.obj).toMatchObject({ modelsTotal: 6, modelsChecked: 1, modelsFailed: 0, resumeAt: { backendId: "slow", model: expect.stringMatching(/^p0\d$/) } });
      // Resumed pass after pass, the poller reaches every model.
      await until(
        "every model checked",
        async () => ((await gw!.as("vic", `{ drifts(first: 100) { nodes { model } } }`)).data?.drifts.nodes as ParsedJson[]).length,
        (n) => n === names.length,
      );
    } finally {
      await poller.stop();
    }
    expect(warnings.filter((w) => w.msg?.startsWith("unapproved version")).length).toBeGreaterThan(0);
  }, 120_000);
});
