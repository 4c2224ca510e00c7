/**
 * register and alias set/remove against a real gateway over a fresh copy of the example registry,
 * in text and --json; refused input exits 2 naming the field, unknown targets exit 3.
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

interface VersionJson {
  version: string;
  registryVersion: string;
  stage: string;
  artifactUri: string | null;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  generationConfig: { model: string; promptRef: string | null; toolsRef: string | null; params: Record<string, unknown> } | null;
}

describe("modelgate register", () => {
  it("registers a generation config and says which version it got", async () => {
    const { code, stdout, stderr } = await cli(
      "register", "support-triage", "--backend", "example",
      "--model-id", "gpt-5-mini-2026-06-10", "--prompt-ref", "triage-prompt@v10", "--tools-ref", "triage-tools@v4",
      "--param", "max_tokens=350", "--param", "temperature=0.1", "--param", 'stop=["\\n"]',
      "--tag", "experiment=short-prompt", "--reason", "retry with the v10 prompt",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe("registered example/support-triage@17 (stage NONE)\n");

    const versions = await cli("versions", "support-triage", "--backend", "example", "--json");
    const v17 = (JSON.parse(versions.stdout) as { versions: VersionJson[] }).versions.find((v) => v.version === "17");
    expect(v17?.generationConfig).toEqual(
      expect.objectContaining({
        model: "gpt-5-mini-2026-06-10",
        promptRef: "triage-prompt@v10",
        toolsRef: "triage-tools@v4",
        params: { max_tokens: 350, temperature: 0.1, stop: ["\n"] },
      }),
    );
    expect(v17?.tags).toEqual({ experiment: "short-prompt" });
  });

  it("prints the registered version as JSON, creating a new model", async () => {
    const { code, stdout } = await cli(
      "register", "intent-classifier", "--backend", "example",
      "--artifact-uri", "s3://acme-models/intent-classifier/1/model.onnx", "--metric", "f1=0.88", "--tag", "team=support", "--json",
    );
    expect(code).toBe(0);
    const version = JSON.parse(stdout) as VersionJson;
    expect(version).toMatchObject({
      registryVersion: "example/intent-classifier@1",
      stage: "NONE",
      artifactUri: "s3://acme-models/intent-classifier/1/model.onnx",
      metrics: { f1: 0.88 },
      tags: { team: "support" },
      generationConfig: null,
    });
  });

  it("exits 2 naming the field the gateway refused", async () => {
    const { code, stdout, stderr } = await cli("register", "support-triage", "--backend", "example", "--model-id", "m-2026-01-01", "--prompt-ref", "no-such-prompt@v1");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^ {2}input\.generationConfig\.promptRef: prompt "no-such-prompt@v1" does not exist.* \(INVALID_INPUT\)$/m);

    const blank = await cli("register", "support-triage", "--backend", "example", "--model-id", " ", "--json");
    expect(blank.code).toBe(2);
    const doc = JSON.parse(blank.stdout) as { error: { code: string; exitCode: number; userErrors: { field: string[]; code: string }[] } };
    expect(doc.error).toMatchObject({ code: "INVALID_INPUT", exitCode: 2 });
    expect(doc.error.userErrors).toEqual([expect.objectContaining({ field: ["input", "generationConfig", "model"], code: "INVALID_INPUT" })]);
    expect(blank.stderr).toContain("input.generationConfig.model: must not be empty (INVALID_INPUT)");
  });

  it("exits 3 for an unknown backend", async () => {
    const { code, stderr } = await cli("register", "anything", "--backend", "nope");
    expect(code).toBe(3);
    expect(stderr).toContain('input.backend: unknown backend "nope"');
  });
});

describe("modelgate alias", () => {
  it("sets an alias named after an environment, which resolve then follows, and removes it", async () => {
    const set = await cli("alias", "set", "support-triage", "production", "15", "--backend", "example", "--reason", "canary went well");
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('alias "production" of example/support-triage now points to 15 (new alias)\n');

    const resolved = await cli("resolve", "support-triage", "--env", "production", "--json");
    expect(JSON.parse(resolved.stdout)).toMatchObject({ registryVersion: "example/support-triage@15", selectedBy: "ALIAS" });

    const removed = await cli("alias", "remove", "support-triage", "production", "--backend", "example", "--json");
    expect(removed.code).toBe(0);
    const doc = JSON.parse(removed.stdout) as { removedFromVersion: string; model: { aliases: Record<string, string> } };
    expect(doc.removedFromVersion).toBe("15");
    expect(doc.model.aliases).not.toHaveProperty("production");

    const back = await cli("resolve", "support-triage", "--env", "production", "--json");
    expect(JSON.parse(back.stdout)).toMatchObject({ registryVersion: "example/support-triage@14", selectedBy: "STAGE" });
  });

  it("moves an alias and reports where it was, as text and JSON", async () => {
    const text = await cli("alias", "set", "reply-drafter", "champion", "4", "--backend", "example");
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('alias "champion" of example/reply-drafter now points to 4 (was 3)\n');

    const json = await cli("alias", "set", "reply-drafter", "champion", "3", "--backend", "example", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ previousVersion: "4", modelVersion: { version: "3", aliases: ["champion"] } });

    const removed = await cli("alias", "remove", "reply-drafter", "champion", "--backend", "example");
    expect(removed.stdout).toBe('removed alias "champion" from example/reply-drafter (it pointed to 3)\n');
  });

  it("exits 3 for an unknown version, model or alias, and 2 for a reserved alias", async () => {
    const version = await cli("alias", "set", "support-triage", "champion", "99", "--backend", "example");
    expect(version.code).toBe(3);
    expect(version.stderr).toContain('has no version "99"');

    const model = await cli("alias", "set", "no-such-model", "champion", "1", "--backend", "example");
    expect(model.code).toBe(3);

    const alias = await cli("alias", "remove", "support-triage", "no-such-alias", "--backend", "example", "--json");
    expect(alias.code).toBe(3);
    expect(JSON.parse(alias.stdout)).toMatchObject({ error: { code: "NOT_FOUND", exitCode: 3 } });

    const reserved = await cli("alias", "set", "support-triage", "latest", "15", "--backend", "example");
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toMatch(/input\.alias: alias "latest" is reserved.*\(INVALID_INPUT\)/);
  });
});
