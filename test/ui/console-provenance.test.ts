/**
 * The console's provenance views in Debian's chromium against a real gateway (the example git-YAML
 * registry, signatures made by the real `model_signing` from the test peers' venv): a version's
 * changes (metric deltas, the prompt's line diff, tools), lineage (upstream and downstream across
 * a distillation, a dangling outside id), impact of a dataset per environment, the model card
 * (edited by a publisher, refused to a viewer), the signature (verified, and a changed file named),
 * identity and duplicates. Each screen is checked against the API's own answer, with axe, and
 * shot for docs/ui.md.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { venvBin } from "../peers/venv.js";
import { TOKENS, type WorkflowGateway } from "../workflow/workflow-gateway.js";
import { seriousViolations } from "./axe.js";
import { launchChromium, openPage, screenshotsOnFailure, signIn, type ConsolePage } from "./browser.js";
import { ensureConsoleBuilt } from "./console-build.js";
import { deploy, ok, promote, startConsoleGateway } from "./console-gateway.js";
import { shoot } from "./docs.js";

const STEP = 5 * 60_000;
const DATASET = "sha256:4f6c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";
const OTHER_DATASET = "sha256:9e8d7c6b5a49382716059e8d7c6b5a49382716059e8d7c6b5a4938271605aa11";
let gw: WorkflowGateway;
let browser: Browser;
const pages: ConsolePage[] = [];

async function sign(dir: string, key: string): Promise<void> {
  const { stdout, stderr } = await promisify(execFile)(venvBin("model_signing"), ["sign", "key", "--private_key", key, "--signature", join(dir, "model.sig"), dir], { timeout: 120_000 });
  // model_signing exits 0 on failure too: its output says which.
  expect(`${stdout}${stderr}`).toContain("Signing succeeded");
}

/** Two model directories signed with the release key; churn-v2's weights change after signing. */
async function signedModels(dir: string): Promise<Record<string, unknown>> {
  await mkdir(join(dir, "keys"), { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  await writeFile(join(dir, "keys", "release.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
  await writeFile(join(dir, "keys", "release.pub"), publicKey.export({ type: "spki", format: "pem" }));
  for (const v of ["churn-v1", "churn-v2"]) {
    await mkdir(join(dir, "models", v), { recursive: true });
    await writeFile(join(dir, "models", v, "config.json"), '{"layers": 4}\n');
    await writeFile(join(dir, "models", v, "weights.bin"), Buffer.alloc(4096, v === "churn-v1" ? 7 : 9));
    await sign(join(dir, "models", v), join(dir, "keys", "release.pem"));
  }
  await appendFile(join(dir, "models", "churn-v2", "weights.bin"), Buffer.from([1]));
  return { signing: { keys: [{ id: "release", publicKeyFile: "keys/release.pub" }], fileRoots: ["models"], cacheSeconds: 0 } };
}

const REGISTER = `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { field code message } } }`;

async function register(model: string, input: Record<string, unknown>): Promise<string> {
  const payload = await ok<{ modelVersion: { version: string } }>(gw, "pat", REGISTER, { input: { backend: "example", model, reason: "training pipeline", ...input } }, "modelVersionRegister");
  return payload.modelVersion.version;
}

beforeAll(async () => {
  const [, launched, started] = await Promise.all([ensureConsoleBuilt(), launchChromium(), startConsoleGateway({ configure: signedModels })]);
  browser = launched;
  gw = started;
  const models = join(gw.dir, "models");
  // churn 1 → 2 (fine-tuned from 1, a new commit, lr changed); 3 is 2 registered again; churn-lite
  // is distilled from 2, on a base model no backend has.
  expect(
    await register("churn", {
      artifactUri: `file://${join(models, "churn-v1")}`,
      params: { seed: 42, lr: 0.01 },
      metrics: [{ key: "auc", value: 0.81 }],
      lineage: { datasetHash: DATASET, codeCommit: "9f2c1e7", runId: "run-41" },
    }),
  ).toBe("1");
  const second = { params: { seed: 42, lr: 0.02 }, metrics: [{ key: "auc", value: 0.84 }], lineage: { datasetHash: DATASET, codeCommit: "a1b2c3d", runId: "run-57", parentModel: "churn@1" } };
  expect(await register("churn", { artifactUri: `file://${join(models, "churn-v2")}`, ...second })).toBe("2");
  expect(await register("churn", { artifactUri: `file://${join(models, "churn-v2")}`, ...second, description: "the same training run, registered twice by a retried job" })).toBe("3");
  expect(await register("churn-lite", { artifactUri: "s3://acme-models/churn-lite/1/", params: { lr: 0.1 }, lineage: { datasetHash: OTHER_DATASET, teacherModel: "example/churn@2", parentModel: "acme/tabular-base-v3" } })).toBe("1");
  await promote(gw, "example", "churn", "2", "STAGING", "staging");
  await promote(gw, "example", "churn", "2", "PRODUCTION", "production");
  await deploy(gw, "churn-service", "production", [{ role: "scorer", backend: "example", model: "churn", version: "2", weight: 100 }], "score churn with churn 2");
}, 15 * 60_000);

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await gw?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await screenshotsOnFailure(ctx.task.name, pages);
});

async function signedIn(who: keyof typeof TOKENS, path: string): Promise<Page> {
  const p = await openPage(browser);
  pages.push(p);
  return signIn(p, `${gw.url}${path}`, TOKENS[who], who);
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${screen}`).toEqual([]);
}

/** Presses Tab until `target` has the focus: it is reachable by keyboard, in document order. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`not reached by ${max} presses of Tab: ${String(target)}`);
}

/** A table's body rows as arrays of cell texts. */
async function rows(table: Locator): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await table.locator("tbody tr").all()) out.push((await row.locator("th, td").allTextContents()).map((t) => t.trim()));
  return out;
}

async function api<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await gw.as<T>("vic", query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}

describe("a version's provenance", () => {
  it("shows what changed since the version before: metric deltas, params, lineage, the prompt's line diff and tools", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/models/example/churn?version=2");
    await page.getByRole("heading", { name: /Version 2/ }).waitFor();
    // The views are links in the version's own navigation, reached and opened by keyboard.
    const changesLink = page.getByRole("navigation", { name: "Views of version 2" }).getByRole("link", { name: "Changes" });
    await tabTo(page, changesLink);
    await page.keyboard.press("Enter");
    await page.getByText("Changes from version 1 to version 2.").waitFor();
    expect(new URL(page.url()).searchParams.get("view")).toBe("changes");
    expect(await rows(page.getByRole("table", { name: "Metrics, version 1 → version 2" }))).toEqual([["auc", "0.81", "0.84", "+0.03"]]);
    expect(await rows(page.getByRole("table", { name: "Params" }))).toEqual([["lr", "changed", "0.01", "0.02"]]);
    expect(await rows(page.getByRole("table", { name: "Lineage" }))).toEqual(
      expect.arrayContaining([
        ["codeCommit", "changed", "9f2c1e7", "a1b2c3d"],
        ["parentModel", "added", "—", "churn@1"],
      ]),
    );
    await page.getByText("Neither version has a prompt.").waitFor();
    await page.getByLabel("Compare with version").selectOption("3");
    await page.getByText("Changes from version 3 to version 2.").waitFor();
    expect(new URL(page.url()).searchParams.get("from")).toBe("3");

    // An LLM entry: support-triage 15 against 14.
    await page.goto(`${gw.url}/ui/models/example/support-triage?version=15&view=changes`);
    const diff = page.getByLabel("Prompt line diff, version 14 to version 15");
    await diff.waitFor();
    const api15 = await api<{ modelVersion: { changes: { prompt: { unified: string }; tools: { key: string; change: string }[] } } }>(
      `{ modelVersion(backend: "example", model: "support-triage", version: "15") { changes { prompt { unified } tools { key change } } } }`,
    );
    const added = api15.modelVersion.changes.prompt.unified.split("\n").filter((l) => l.startsWith("+"));
    expect(added.length).toBeGreaterThan(0);
    expect((await diff.locator("ins").allTextContents()).map((t) => t.trimEnd())).toEqual(added);
    await page.getByText("triage-prompt@v9 → triage-prompt@v10").waitFor();
    const tools = await rows(page.getByRole("table", { name: "Tools" }));
    expect(tools.map((r) => [r[0], r[1]])).toEqual(api15.modelVersion.changes.tools.filter((t) => t.change !== "UNCHANGED").map((t) => [t.key, t.change.toLowerCase()]));
    expect(tools.map((r) => r[0])).toContain("escalate_to_human");
    expect(await rows(page.getByRole("table", { name: "Generation config" }))).toEqual(expect.arrayContaining([["params.max_tokens", "changed", "300", "350"]]));
    await shoot(page, "provenance-changes");
    await expectAccessible(page, "the changes view");
  });

  it("walks the lineage upstream and downstream, names a dangling reference and a walk cut short", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/models/example/churn?version=2&view=lineage");
    const up = page.getByRole("list", { name: "Upstream: what went into it" });
    await up.waitFor();
    const upText = await up.textContent();
    expect(upText).toContain("fine-tuned from version example/churn@1");
    expect(upText).toContain(`trained on dataset ${DATASET}`);
    expect(upText).toContain("built from commit commit a1b2c3d");
    const down = page.getByRole("list", { name: "Downstream: what came out of it" });
    const downText = await down.textContent();
    expect(downText).toContain("distilled from it version example/churn-lite@1");
    expect(downText).toContain("runs it deployment churn-service (production #1)");
    // The same graph as the API's: every edge in the table.
    const graph = await api<{ lineage: { edges: { from: string; to: string; kind: string }[]; nodes: { id: string }[] } }>(
      `{ lineage(id: "example/churn@2", direction: BOTH, depth: 3) { nodes { id } edges { from to kind } } }`,
    );
    await page.getByText(`Every edge (${graph.lineage.edges.length})`).click();
    expect(await page.getByRole("table", { name: "Edges of the lineage graph, pointing downstream" }).locator("tbody tr").count()).toBe(graph.lineage.edges.length);
    await page.getByText(`${graph.lineage.nodes.length} nodes, ${graph.lineage.edges.length} edges from example/churn@2, depth 3.`).waitFor();
    await shoot(page, "provenance-lineage");
    await expectAccessible(page, "the lineage view");

    // The student: distilled from churn 2, on a base model no backend has (named as dangling).
    await up.getByRole("link", { name: "example/churn@1" }).first().waitFor();
    await page.goto(`${gw.url}/ui/models/example/churn-lite?version=1&view=lineage&direction=UPSTREAM`);
    const studentUp = page.getByRole("list", { name: "Upstream: what went into it" });
    await studentUp.waitFor();
    expect(await studentUp.textContent()).toContain("distilled from version example/churn@2");
    expect(await page.getByRole("list", { name: "Downstream: what came out of it" }).count()).toBe(0);
    const dangling = page.locator(".dangling-list li");
    expect(await dangling.allTextContents()).toEqual([expect.stringMatching(/^acme\/tabular-base-v3: .*outside model id/)]);
    // Depth 1: the walk stops at churn 2, which has more, and says so.
    const depth = page.getByLabel("Depth");
    await tabTo(page, depth);
    await depth.selectOption("1");
    await page.getByText("Partial result:").waitFor();
    expect(await page.locator(".partial li").first().textContent()).toContain("depth limit 1 reached upstream");
    expect(await studentUp.getByText("more beyond the limit").count()).toBeGreaterThan(0);
    await expectAccessible(page, "a partial lineage walk");
  });

  it("answers the impact of a dataset per environment, and of a version", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/impact");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Impact" }).waitFor();
    const form = page.getByRole("form", { name: "Impact of" });
    await form.getByLabel("Dataset hash").fill(DATASET);
    await form.getByRole("button", { name: "Show impact" }).click();
    const versions = page.getByRole("table", { name: `Versions derived from dataset ${DATASET}, with the edges from it` });
    await versions.waitFor();
    expect(new URL(page.url()).searchParams.get("dataset")).toBe(DATASET);
    const impact = await api<{ impact: { versions: { modelVersion: { registryVersion: string } }[] } }>(`query($d: String!) { impact(dataset: $d) { versions { modelVersion { registryVersion } } } }`, { d: DATASET });
    const shown = await rows(versions);
    expect(shown.map((r) => r[0])).toEqual(impact.impact.versions.map((v) => v.modelVersion.registryVersion));
    expect(shown).toEqual(
      expect.arrayContaining([
        ["example/churn@1", "none", "trained on"],
        ["example/churn@2", "production", "trained on"],
        ["example/churn-lite@1", "none", "trained on → distilled from"],
      ]),
    );
    // Staging runs nothing impacted (churn 2 left it for production): only production is listed.
    const envs = await rows(page.getByRole("table", { name: /^What runs an impacted version, per environment/ }));
    expect(envs).toEqual([["production", "production", "example/churn@2", "churn-service #1"]]);
    expect(await rows(page.getByRole("table", { name: "Deployments bundling an impacted version" }))).toEqual([["churn-service #1", "production", "running", "example/churn@2"]]);
    await shoot(page, "provenance-impact");
    await expectAccessible(page, "the impact screen");

    // A version's impact, from its own view.
    await page.goto(`${gw.url}/ui/models/example/churn?version=1&view=impact`);
    const fromVersion = page.getByRole("table", { name: "Versions derived from example/churn@1, with the edges from it" });
    await fromVersion.waitFor();
    expect((await rows(fromVersion)).map((r) => [r[0], r[2]])).toEqual(
      expect.arrayContaining([
        ["example/churn@2", "fine tuned from"],
        ["example/churn-lite@1", "fine tuned from → distilled from"],
      ]),
    );
  });

  it("shows the model card, lets a publisher write a section (audited) and tells a viewer why not", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/models/example/churn?version=2&view=card");
    const lacks = page.locator(".card-missing");
    await lacks.waitFor();
    expect(await lacks.textContent()).toContain("license");
    expect(await lacks.textContent()).toContain("intended use");
    expect(await page.locator(".card-data").textContent()).toContain(DATASET);
    expect(await rows(page.getByRole("table", { name: "Evaluation results (model-index)" }))).toEqual([[DATASET, "auc", "0.84"]]);

    const editor = page.getByRole("form", { name: "Edit the model card" });
    await editor.getByLabel("Intended use").fill("Scoring churn risk for retention offers.");
    await editor.getByLabel("License (SPDX id)").fill("apache-2.0");
    await editor.getByLabel("Write for").selectOption("model");
    await editor.getByLabel("Reason").fill("first card");
    const save = editor.getByRole("button", { name: "Save the card" });
    await tabTo(page, save);
    await page.keyboard.press("Enter");
    await editor.getByText(/^Saved: intendedUse, license of the model churn; example: mirrored/).waitFor();
    await expect.poll(() => page.locator("#card-intendedUse + p").textContent(), { timeout: 60_000 }).toBe("Scoring churn risk for retention offers.");
    expect(await lacks.textContent()).not.toContain("license");
    const card = await api<{ modelVersion: { card: { sections: Record<string, string>; data: { license?: string } } } }>(
      `{ modelVersion(backend: "example", model: "churn", version: "1") { card { sections data } } }`,
    );
    // Written for the model: every version shows it.
    expect(card.modelVersion.card.sections.intendedUse).toBe("Scoring churn risk for retention offers.");
    expect(card.modelVersion.card.data.license).toBe("apache-2.0");
    const trail = await api<{ auditEvents: { nodes: { action: string; actor: string; reason: string | null }[] } }>(`{ auditEvents(first: 5, filter: { action: "model_card.update" }) { nodes { action actor reason } } }`);
    expect(trail.auditEvents.nodes).toEqual([{ action: "model_card.update", actor: "pat", reason: "first card" }]);
    await page.getByText("README.md (Hugging Face format)").click();
    expect(await page.locator(".card-markdown pre").textContent()).toContain("license: apache-2.0");
    await shoot(page, "provenance-card");
    await expectAccessible(page, "the model card");

    const viewer = await signedIn("vic", "/ui/models/example/churn?version=2&view=card");
    const viewerEditor = viewer.getByRole("form", { name: "Edit the model card" });
    await viewerEditor.waitFor();
    expect(await viewerEditor.getByRole("button", { name: "Save the card" }).isDisabled()).toBe(true);
    expect(await viewerEditor.getByLabel("Intended use").isDisabled()).toBe(true);
    await viewerEditor.getByText("editing the model card needs the publisher role (you hold viewer)").waitFor();
    await expectAccessible(viewer, "the model card as a viewer");
  });

  it("verifies the signature, and names the file that changed after signing", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/models/example/churn?version=1&view=signature");
    const verdict = page.locator(".verdict");
    await expect.poll(() => verdict.textContent(), { timeout: 60_000 }).toBe("Signature verified: signed by key release, 2 files hashed again and matched.");
    const sig = await api<{ modelVersion: { signature: { digest: string; bundleDigest: string } } }>(`{ modelVersion(backend: "example", model: "churn", version: "1") { signature { digest bundleDigest } } }`);
    const fields = await page.locator(".fields.signature").textContent();
    expect(fields).toContain(`Signerkey release`);
    expect(fields).toContain(sig.modelVersion.signature.digest);
    expect(fields).toContain(sig.modelVersion.signature.bundleDigest);
    expect(fields).toContain("https://model_signing/signature/v1.0");
    await expectAccessible(page, "a verified signature");

    await page.getByRole("table", { name: "Versions of churn" }).getByRole("link", { name: "2", exact: true }).click();
    await expect.poll(() => verdict.textContent(), { timeout: 60_000 }).toMatch(/^Not verified \(FILE_MISMATCH\): .*weights\.bin/);
    expect(new URL(page.url()).searchParams.get("view")).toBe("signature");
    expect(await page.locator("ul.files li").allTextContents()).toEqual(["weights.bin"]);
    await shoot(page, "provenance-signature");
    await expectAccessible(page, "a failed signature");
  });

  it("shows the identity, flags a duplicate, and names the inputs an incomplete identity lacks", { timeout: STEP }, async () => {
    const page = await signedIn("pat", "/ui/models/example/churn?version=3&view=identity");
    const id = await api<{ modelVersion: { identity: { digest: string } } }>(`{ modelVersion(backend: "example", model: "churn", version: "3") { identity { digest } } }`);
    const fields = page.locator(".fields.identity");
    await fields.waitFor();
    expect(await fields.textContent()).toBe(`Identity${id.modelVersion.identity.digest}Completecomplete`);
    const duplicates = page.locator(".duplicates");
    expect(await duplicates.textContent()).toContain("Duplicate: the same model is registered as another version");
    expect(await duplicates.getByRole("link").allTextContents()).toEqual(["example/churn@2"]);
    await shoot(page, "provenance-identity");
    await expectAccessible(page, "the identity view");

    await page.goto(`${gw.url}/ui/models/example/churn-lite?version=1&view=identity`);
    await fields.waitFor();
    expect(await fields.textContent()).toContain("incomplete missing: code commit, seed");
    await page.getByText("Not checked: only complete identities flag duplicates.").waitFor();
  });
});

describe("every page", () => {
  it("ran under the console's CSP without errors", () => {
    for (const p of pages) {
      expect(p.cspViolations).toEqual([]);
      expect(p.errors).toEqual([]);
    }
  });
});
