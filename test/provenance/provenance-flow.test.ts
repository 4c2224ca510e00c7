/**
 * docs/provenance.md end to end, through the CLI against a real gateway (git-YAML backend, SQLite):
 * register with lineage → sign with the real `model_signing` (PyPI, test peers' venv, ECDSA P-256)
 * → verify in TypeScript → promote through the SIGNATURE and LINEAGE gates (a changed byte, an
 * unsigned file, another key, missing lineage: each refused, naming it; evidence in the trail) →
 * card (README.md round trip) → a deployment → impact of the dataset → diff and lineage.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/capture-io.js";
import { runCli } from "../../src/cli/program.js";
import { parseCardMarkdown } from "../../src/workflow/provenance/card-markdown.js";
import { venvBin } from "../peers/venv.js";
import { TOKENS, startWorkflowGateway, type Who, type WorkflowGateway } from "../workflow/workflow-gateway.js";

const run = promisify(execFile);
const DATASET = "sha256:4f6c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";
let gw: WorkflowGateway;
let models: string;

async function sign(dir: string, key: string): Promise<void> {
  const { stdout, stderr } = await run(venvBin("model_signing"), ["sign", "key", "--private_key", key, "--signature", join(dir, "model.sig"), dir], { timeout: 120_000 });
  // model_signing exits 0 on failure too: its output says which.
  expect(`${stdout}${stderr}`).toContain("Signing succeeded");
}

function keyPair(dir: string, name: string): Promise<[void, void]> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return Promise.all([
    writeFile(join(dir, `${name}.pem`), privateKey.export({ type: "pkcs8", format: "pem" })),
    writeFile(join(dir, `${name}.pub`), publicKey.export({ type: "spki", format: "pem" })),
  ]);
}

async function cli(who: Who, ...argv: string[]) {
  const io = captureIo({ MODELGATE_URL: gw.url, MODELGATE_TOKEN: TOKENS[who] });
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const WAIT = ["--wait", "--interval", "0.05", "--timeout", "60"];
const promote = (version: string, env: string) =>
  cli("alice", "promote", "churn", version, "--backend", "example", "--env", env, "--to", env === "staging" ? "STAGING" : "PRODUCTION", "--reason", `ship ${version}`, ...WAIT);

async function register(artifact: string, ...lineage: string[]): Promise<string> {
  const r = await cli("alice", "register", "churn", "--backend", "example", "--artifact-uri", `file://${artifact}`, "--json", ...lineage);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as { version: string }).version;
}

beforeAll(async () => {
  // The keys must exist before the gateway starts: it reads them then.
  const dir = await mkdtemp(join(tmpdir(), "modelgate-provenance-"));
  models = join(dir, "models");
  await mkdir(join(dir, "keys"), { recursive: true });
  await Promise.all([keyPair(join(dir, "keys"), "release"), keyPair(join(dir, "keys"), "rogue")]);
  await mkdir(join(models, "churn"), { recursive: true });
  await writeFile(join(models, "churn", "config.json"), '{"layers": 4}\n');
  await writeFile(join(models, "churn", "weights.bin"), Buffer.alloc(4096, 7));
  await cp(join(models, "churn"), join(models, "churn-rogue"), { recursive: true });
  await Promise.all([sign(join(models, "churn"), join(dir, "keys", "release.pem")), sign(join(models, "churn-rogue"), join(dir, "keys", "rogue.pem"))]);
  gw = await startWorkflowGateway({
    dir,
    config: {
      signing: { keys: [{ id: "release", publicKeyFile: "keys/release.pub" }], fileRoots: ["models"] },
      policies: {
        rules: [
          { environment: "production", gates: { requireSignature: { keys: ["release"] }, requireLineage: ["datasetHash", "codeCommit"] } },
          { gates: {} },
        ],
      },
    },
  });
}, 180_000);

afterAll(() => gw?.stop());

describe("provenance, end to end through the CLI", () => {
  it("registers with lineage, verifies the signature, gates the promotion, writes the card and answers impact", async () => {
    const lineage = ["--dataset-hash", DATASET, "--code-commit", "9f2c1e7", "--run-id", "run-41", "--train-param", "seed=42", "--train-param", "lr=0.01"];
    const v1 = await register(join(models, "churn"), ...lineage);
    const v2 = await register(join(models, "churn-rogue"), ...lineage.slice(0, -2), "--train-param", "lr=0.02");
    const v3 = await register(join(models, "churn"), "--dataset-hash", DATASET);

    const verified = await cli("vic", "signature", `example/churn@${v1}`, "--json");
    expect(verified.code).toBe(0);
    const sig = JSON.parse(verified.stdout) as { signature: { verified: boolean; signer: { id: string }; digest: string; fileCount: number }; identity: { complete: boolean } };
    expect(sig.signature).toMatchObject({ verified: true, signer: { id: "release" }, fileCount: 2 });
    expect(sig.signature.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sig.identity.complete).toBe(true);

    // An artifact outside signing.fileRoots is never read.
    const outside = await register(tmpdir());
    const refusedRead = await cli("vic", "signature", `example/churn@${outside}`);
    expect(refusedRead.code).toBe(1);
    expect(refusedRead.stdout).toContain("UNSUPPORTED: ");
    expect(refusedRead.stdout).toContain("is outside signing.fileRoots");

    for (const v of [v1, v2, v3]) expect((await promote(v, "staging")).code).toBe(0);

    // One byte of one file changed: refused, naming the file; the signature command says the same.
    const weights = join(models, "churn", "weights.bin");
    const original = await readFile(weights);
    const changed = Buffer.from(original);
    changed[100] = 8;
    await writeFile(weights, changed);
    const tampered = await promote(v1, "production");
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/SIGNATURE gate: .*weights\.bin/);
    const bad = await cli("vic", "signature", `churn@${v1}`, "--backend", "example");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("FILE_MISMATCH");
    await writeFile(weights, original);

    // A file the signature does not cover: refused, naming it.
    await writeFile(join(models, "churn", "extra.txt"), "not signed\n");
    const unsigned = await promote(v1, "production");
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toMatch(/SIGNATURE gate: .*extra\.txt/);
    await rm(join(models, "churn", "extra.txt"));

    // Signed by a key the gateway does not trust.
    const rogue = await promote(v2, "production");
    expect(rogue.code).toBe(2);
    expect(rogue.stderr).toMatch(/SIGNATURE gate: .*not trusted/i);

    // Signed, but without the code commit the policy requires.
    const noLineage = await promote(v3, "production");
    expect(noLineage.code).toBe(2);
    expect(noLineage.stderr).toContain("LINEAGE gate: missing lineage: codeCommit");

    const shipped = await promote(v1, "production");
    expect(shipped.stderr).toBe("");
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toMatch(/passed\s+SIGNATURE: signed by key release; subject sha256:[0-9a-f]{64} over 2 file\(s\)/);
    expect(shipped.stdout).toMatch(/passed\s+LINEAGE: lineage has datasetHash, codeCommit/);

    // The trail holds the refusals and the verification evidence.
    const refused = await gw.gateway.services.store.listAudit({ filter: { action: "promotion.refuse" }, first: 10 });
    expect(refused.items).toHaveLength(4);
    const evidence = (refused.items.find((e) => e.error?.includes("weights.bin"))?.after as { gates: { gate: string; evidence: Record<string, unknown> }[] }).gates.find((g) => g.gate === "SIGNATURE")!.evidence;
    expect(evidence).toMatchObject({ verified: false, failure: { code: "FILE_MISMATCH", files: ["weights.bin"] }, signatureUri: expect.stringContaining("model.sig") });
    expect(evidence.bundleDigest).toMatch(/^sha256:/);

    // The card: human-written sections on the model, the rest from the registry; README.md round trip.
    const edited = await cli("alice", "card", "example/churn", "--set", "intendedUse=Scoring churn risk for retention offers.", "--set", "license=apache-2.0", "--reason", "card");
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain("updated: card of example/churn (intendedUse, license)");
    const hf = await cli("vic", "card", `example/churn@${v1}`);
    const json = await cli("vic", "card", `example/churn@${v1}`, "--format", "json");
    const card = JSON.parse(json.stdout) as { data: Record<string, unknown>; sections: Record<string, string>; missing: string[] };
    expect(card.data).toMatchObject({ license: "apache-2.0", datasets: [DATASET] });
    expect(hf.stdout).toContain("## Intended use");
    const parsed = parseCardMarkdown(hf.stdout);
    expect(parsed.data).toEqual(card.data);
    expect(parsed.sections).toEqual({ intendedUse: card.sections.intendedUse });
    expect(card.missing).toContain("ethicalConsiderations");

    // A deployment bundles v1 in production.
    const spec = join(models, "churn-service.yaml");
    await writeFile(spec, `name: churn-service\nenvironment: production\nreason: serve churn\ncomponents:\n  - { role: scorer, backend: example, model: churn, version: "${v1}", weight: 100 }\n`);
    const deployed = await cli("alice", "deploy", spec, "--promote", ...WAIT);
    expect(deployed.stderr).toBe("");
    expect(deployed.code).toBe(0);

    // Impact of the dataset: every version trained on it, and production running v1 alone and in the deployment.
    const impact = await cli("vic", "impact", "--dataset", DATASET, "--json");
    expect(impact.code).toBe(0);
    const i = JSON.parse(impact.stdout) as {
      versions: { modelVersion: { registryVersion: string } }[];
      environments: { environment: string; versions: { modelVersion: { registryVersion: string } }[]; deployments: { name: string; revision: number; versions: string[] }[] }[];
    };
    expect(i.versions.map((v) => v.modelVersion.registryVersion).sort()).toEqual([v1, v2, v3].map((v) => `example/churn@${v}`).sort());
    const production = i.environments.find((e) => e.environment === "production");
    expect(production?.versions.map((v) => v.modelVersion.registryVersion)).toEqual([`example/churn@${v1}`]);
    expect(production?.deployments).toEqual([{ name: "churn-service", revision: 1, versions: [`example/churn@${v1}`] }]);
    const table = await cli("vic", "impact", "--dataset", DATASET);
    expect(table.stdout).toMatch(new RegExp(`production\\s+PRODUCTION\\s+example/churn@${v1}\\s+churn-service #1`));

    const diff = await cli("vic", "diff", `example/churn@${v1}`, `@${v2}`);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/~ lr: "?0\.01"? -> "?0\.02"?/);
    expect(diff.stdout).toContain("~ artifactUri:");

    const graph = await cli("vic", "lineage", `example/churn@${v1}`, "--direction", "upstream", "--depth", "1");
    expect(graph.code).toBe(0);
    expect(graph.stdout).toContain(`${DATASET} --TRAINED_ON--> example/churn@${v1}`);
    expect(graph.stdout).toContain(`9f2c1e7 --BUILT_FROM_COMMIT--> example/churn@${v1}`);
    const down = await cli("vic", "lineage", `example/churn@${v1}`, "--direction", "downstream", "--json");
    expect((JSON.parse(down.stdout) as { edges: { to: string; kind: string }[] }).edges).toContainEqual(expect.objectContaining({ to: "deployment:production/churn-service", kind: "BUNDLED_IN" }));
  });
});
