/** A version's prompt text (now and at a past time) and its eval records, through a real gateway. */
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { untilNextSecond } from "../../../test/support/clock.js";
import { startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";

const DETAILS = `query($v: String!, $asOf: DateTime) {
  model(backend: "example", name: "support-triage", asOf: $asOf) {
    version(version: $v) { generationConfig { promptRef } prompt { name version template location } evalRecords { suite score run recordedBy } }
  }
}`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

describe("ModelVersion.prompt", () => {
  it("inlines the text the promptRef points to", async () => {
    const res = await gw.gql(DETAILS, { v: "15" });
    expect(res.errors).toBeUndefined();
    const version = (res.data?.model as { version: Record<string, unknown> }).version;
    expect(version.prompt).toMatchObject({ name: "triage-prompt", version: "v10", location: "prompts/triage-prompt/v10.md" });
    expect((version.prompt as { template: string }).template).toContain("escalate_to_human");
  });

  it("is null for a version without a generation config", async () => {
    const res = await gw.gql(`{ modelVersion(backend: "example", model: "ticket-embedder", version: "2") { prompt { template } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.modelVersion).toEqual({ prompt: null });
  });

  it("reads the prompt as it was at asOf", async () => {
    const before = new Date().toISOString();
    // Git keeps commit times to the second: the commit below must be in a later one.
    await untilNextSecond(Date.parse(before));
    // The prompt file itself changes in the registry's repository (a commit outside the gateway).
    const repo = join(gw.dir, "registry");
    await writeFile(join(repo, "prompts/triage-prompt/v10.md"), "Route this ticket (edited).\n{{ticket}}\n");
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args]);
    git("commit", "-qam", "edit the v10 prompt");
    const now = await gw.gql(DETAILS, { v: "15" });
    expect((now.data?.model as { version: { prompt: { template: string } } }).version.prompt.template).toBe("Route this ticket (edited).\n{{ticket}}\n");
    const past = await gw.gql(DETAILS, { v: "15", asOf: before });
    expect(past.errors).toBeUndefined();
    expect((past.data?.model as { version: { prompt: { template: string } } }).version.prompt.template).toContain("escalate_to_human");
  });
});

describe("ModelVersion.evalRecords", () => {
  it("lists recorded eval results newest first", async () => {
    for (const score of [0.9, 0.97]) {
      const res = await gw.gql(
        `mutation($s: Float!) { evalRecord(input: { backend: "example", model: "support-triage", version: "16", suite: "triage-eval-v5", score: $s, run: "run-1" }) { userErrors { message } } }`,
        { s: score },
      );
      expect(res.errors).toBeUndefined();
    }
    const res = await gw.gql(DETAILS, { v: "16" });
    const records = (res.data?.model as { version: { evalRecords: { score: number }[] } }).version.evalRecords;
    expect(records.map((r) => r.score)).toEqual([0.97, 0.9]);
    expect(records[0]).toMatchObject({ suite: "triage-eval-v5", run: "run-1", recordedBy: "anonymous" });
  });
});
