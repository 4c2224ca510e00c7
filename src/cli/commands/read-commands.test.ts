/**
 * models, versions and resolve against a real gateway over the example registry, in text and
 * --json, plus their not-found exits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

async function cli(...argv: string[]) {
  const io = captureIo({ MODELGATE_URL: gw.url });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

function parsed<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe("modelgate models", () => {
  it("prints a table of every example model", async () => {
    const { code, stdout, stderr } = await cli("models");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+BACKEND\s+LATEST\s+ALIASES\s+UPDATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["reply-drafter", "support-triage", "ticket-embedder"]);
    expect(stdout).toMatch(/support-triage\s+example\s+16\s+challenger=15,champion=14/);
  });

  it("prints one JSON document with --json, filtered by --filter", async () => {
    const { code, stdout } = await cli("models", "--filter", "TRIAGE", "--json");
    expect(code).toBe(0);
    const body = parsed<{ models: { name: string; backendId: string; tags: Record<string, string> }[]; failedBackends: unknown[] }>(stdout);
    expect(body.models.map((m) => m.name)).toEqual(["support-triage"]);
    expect(body.models[0]?.tags).toEqual({ team: "support", owner: "support-platform" });
    expect(body.failedBackends).toEqual([]);
  });

  it("follows every page with --all and hints at the next page without it", async () => {
    const all = await cli("models", "--first", "1", "--all", "--json");
    expect(all.code).toBe(0);
    expect(parsed<{ models: { name: string }[] }>(all.stdout).models.map((m) => m.name)).toEqual([
      "reply-drafter",
      "support-triage",
      "ticket-embedder",
    ]);

    const one = await cli("models", "--first", "1");
    expect(one.code).toBe(0);
    expect(one.stdout.trimEnd().split("\n")).toHaveLength(2);
    const cursor = /--after (\S+)/.exec(one.stderr)?.[1];
    expect(cursor).toBeDefined();
    const next = await cli("models", "--first", "1", "--after", cursor as string, "--json");
    expect(parsed<{ models: { name: string }[] }>(next.stdout).models.map((m) => m.name)).toEqual(["support-triage"]);
  });

  it("exits 3 for an unknown backend, naming it", async () => {
    const { code, stdout, stderr } = await cli("models", "--backend", "nope", "--json");
    expect(code).toBe(3);
    expect(stderr).toContain('unknown backend "nope"');
    expect(parsed<{ error: { code: string; exitCode: number } }>(stdout).error).toMatchObject({ code: "NOT_FOUND", exitCode: 3 });
  });
});

describe("modelgate versions", () => {
  it("prints a model's versions in version order", async () => {
    const { code, stdout } = await cli("versions", "support-triage", "--backend", "example");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+STAGE\s+ALIASES\s+MODEL\/ARTIFACT\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "13 ARCHIVED",
      "14 PRODUCTION",
      "15 STAGING",
      "16 NONE",
    ]);
    expect(stdout).toMatch(/14\s+PRODUCTION\s+champion\s+gpt-5-mini-2026-06-10 triage-prompt@v9\s+2026-06-10T12:00:00Z/);
  });

  it("filters by --stage and prints JSON with --json", async () => {
    const { code, stdout } = await cli("versions", "ticket-embedder", "--backend", "example", "--stage", "production", "--json");
    expect(code).toBe(0);
    const body = parsed<{ versions: { version: string; stage: string; artifactUri: string; metrics: Record<string, number> }[] }>(stdout);
    expect(body.versions).toHaveLength(1);
    expect(body.versions[0]).toMatchObject({
      version: "2",
      stage: "PRODUCTION",
      artifactUri: "s3://acme-models/ticket-embedder/2/model.onnx",
      metrics: { recall_at_10: 0.83, p95_latency_ms: 18 },
    });
  });

  it("exits 3 for an unknown model", async () => {
    const { code, stdout, stderr } = await cli("versions", "no-such-model", "--backend", "example");
    expect(code).toBe(3);
    expect(stdout).toBe("");
    expect(stderr).toContain('no model "no-such-model" in backend "example"');
  });

  it("exits 2 for a stage that does not exist, before calling the gateway", async () => {
    const { code, stderr } = await cli("versions", "support-triage", "--backend", "example", "--stage", "live");
    expect(code).toBe(2);
    expect(stderr).toContain('expected one of NONE, STAGING, SHADOW, PRODUCTION, ARCHIVED, got "live"');
  });
});

describe("modelgate resolve", () => {
  it("shows what production runs, with prompt and tools", async () => {
    const { code, stdout } = await cli("resolve", "support-triage", "--env", "production");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^registry version\s+example\/support-triage@14$/m);
    expect(stdout).toMatch(/^model id\s+gpt-5-mini-2026-06-10$/m);
    expect(stdout).toMatch(/^prompt\s+triage-prompt@v9$/m);
    expect(stdout).toMatch(/^etag\s+"[^"]+"$/m);
    // The example registry's production version was never approved through the gateway: flagged.
    expect(stdout).toMatch(/^drift\s+UNAPPROVED_IN_STAGE: example\/support-triage@14 is PRODUCTION in the backend, but the promotion trail never approved it into PRODUCTION/m);
  });

  it("prints the entry as JSON with --json", async () => {
    const { code, stdout } = await cli("resolve", "example/ticket-embedder", "--env", "production", "--json");
    expect(code).toBe(0);
    const entry = parsed<{ registryVersion: string; selectedBy: string; artifactUri: string; etag: string }>(stdout);
    expect(entry).toMatchObject({
      registryVersion: "example/ticket-embedder@2",
      selectedBy: "STAGE",
      artifactUri: "s3://acme-models/ticket-embedder/2/model.onnx",
    });
    expect(entry.etag).toMatch(/^"/);
  });

  it("exits 3 for an unknown model and 2 for an unknown environment", async () => {
    const missing = await cli("resolve", "no-such-model", "--env", "production");
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no model named "no-such-model"');

    const env = await cli("resolve", "support-triage", "--env", "qa", "--json");
    expect(env.code).toBe(2);
    expect(parsed<{ error: { code: string; message: string } }>(env.stdout).error).toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringContaining('unknown environment "qa"'),
    });
  });
});
