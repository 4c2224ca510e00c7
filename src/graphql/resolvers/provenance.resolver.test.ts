/**
 * Identity, duplicates, changes and card editing through a real gateway over the example git-YAML
 * registry (prompts and tool schemas read from the repository).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EXAMPLE_SEED, startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const VERSION = `query($model: String!, $v: String!, $from: String) { modelVersion(backend: "example", model: $model, version: $v) {
  identity { digest complete missing } duplicates { version }
  changes(from: $from) {
    from { version } to { version }
    params { key change before after } metrics { key change delta }
    generationConfig { key change before after }
    prompt { beforeRef afterRef changed unified } tools { key change } problems
  }
  card { data sections missing markdown }
} }`;

interface VersionJson {
  identity: { digest: string; complete: boolean; missing: string[] };
  duplicates: { version: string }[];
  changes: {
    from: { version: string };
    to: { version: string };
    generationConfig: { key: string; change: string; before: unknown; after: unknown }[];
    prompt: { beforeRef: string; afterRef: string; changed: boolean; unified: string } | null;
    tools: { key: string; change: string }[];
    problems: string[];
  } | null;
  card: { data: Record<string, unknown>; sections: Record<string, string>; missing: string[]; markdown: string };
}

async function version(model: string, v: string, from?: string): Promise<VersionJson> {
  const res = await gw.gql<{ modelVersion: VersionJson }>(VERSION, { model, v, ...(from === undefined ? {} : { from }) });
  expect(res.errors).toBeUndefined();
  return res.data!.modelVersion;
}

const REGISTER = `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } userErrors { message } } }`;

describe("identity and changes", () => {
  it("diffs an LLM entry against the version before: generation config fields, the prompt text as a line diff, tools by name", async () => {
    const v15 = await version("support-triage", "15");
    expect(v15.changes).toMatchObject({ from: { version: "14" }, to: { version: "15" }, problems: [] });
    expect(v15.changes!.generationConfig).toEqual(
      expect.arrayContaining([
        { key: "params.max_tokens", change: "CHANGED", before: 300, after: 350 },
        { key: "promptRef", change: "CHANGED", before: "triage-prompt@v9", after: "triage-prompt@v10" },
      ]),
    );
    expect(v15.changes!.prompt).toMatchObject({ beforeRef: "triage-prompt@v9", afterRef: "triage-prompt@v10", changed: true });
    expect(v15.changes!.prompt!.unified).toMatch(/^\+.*escalate_to_human/m);
    expect(v15.changes!.tools).toContainEqual({ key: "escalate_to_human", change: "ADDED" });
    // 16 runs 15's prompt and tools on another model: the text is unchanged.
    const v16 = await version("support-triage", "16");
    expect(v16.changes!.prompt).toMatchObject({ changed: false, unified: "" });
    expect(v16.changes!.generationConfig.map((c) => c.key)).toContain("model");
    expect(v15.identity).toMatchObject({ complete: true, missing: [] });
    expect(v15.identity.digest).not.toBe(v16.identity.digest);
    expect((await version("support-triage", "14", "15")).changes).toMatchObject({ from: { version: "15" }, to: { version: "14" } });
  });

  it("flags two versions with the same complete identity as duplicates, and names what an incomplete one lacks", async () => {
    const lineage = { codeCommit: "c0ffee1", datasetHash: "sha256:0123" };
    const ids: string[] = [];
    for (const params of [{ seed: 1, lr: 0.1 }, { seed: 1, lr: 0.1 }, { lr: 0.1 }]) {
      const res = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string } } }>(REGISTER, { input: { backend: "example", model: "dup-check", params, lineage } });
      ids.push(res.data!.modelVersionRegister.modelVersion.version);
    }
    const [a, b, c] = await Promise.all(ids.map((v) => version("dup-check", v)));
    expect(a!.identity.digest).toBe(b!.identity.digest);
    expect(a!.duplicates).toEqual([{ version: ids[1] }]);
    expect(b!.duplicates).toEqual([{ version: ids[0] }]);
    expect(c!.identity).toMatchObject({ complete: false, missing: ["seed"] });
    expect(c!.duplicates).toEqual([]);
  });
});

const CARD_UPDATE = `mutation($input: ModelCardUpdateInput!) { modelCardUpdate(input: $input) {
  sections changed mirror { backendId status } userErrors { field code message } } }`;

describe("model cards", () => {
  it("stores model and version sections (the version's win), audits the change, and refuses bad input naming the field", async () => {
    const model = await gw.gql<{ modelCardUpdate: Record<string, unknown> }>(CARD_UPDATE, {
      input: { backend: "example", model: "support-triage", sections: { intendedUse: "Routing tickets.", caveats: "English only.", license: "mit" }, reason: "first card" },
    });
    expect(model.data!.modelCardUpdate).toMatchObject({ changed: true, mirror: { backendId: "example", status: "MIRRORED" }, userErrors: [] });
    const own = await gw.gql<{ modelCardUpdate: Record<string, unknown> }>(CARD_UPDATE, {
      input: { backend: "example", model: "support-triage", version: "15", sections: { caveats: "English and German." } },
    });
    expect(own.data!.modelCardUpdate).toMatchObject({ sections: { caveats: "English and German." }, changed: true });
    const again = await gw.gql<{ modelCardUpdate: Record<string, unknown> }>(CARD_UPDATE, {
      input: { backend: "example", model: "support-triage", version: "15", sections: { caveats: "English and German." } },
    });
    expect(again.data!.modelCardUpdate).toMatchObject({ changed: false });

    // Mirrored into the model's YAML file: the model's card, and version 15's own.
    const file = parse(execFileSync("git", ["-C", join(gw.dir, "registry"), "show", "HEAD:models/support-triage.yaml"], { encoding: "utf8" })) as { card: unknown; versions: { version: number; card?: unknown }[] };
    expect(file.card).toEqual({ caveats: "English only.", intended_use: "Routing tickets.", license: "mit" });
    expect(file.versions.find((v) => v.version === 15)?.card).toEqual({ caveats: "English and German." });

    const card = (await version("support-triage", "15")).card;
    expect(card.sections).toEqual({ intendedUse: "Routing tickets.", caveats: "English and German.", license: "mit" });
    expect(card.data).toMatchObject({ license: "mit", base_model: "gpt-5-mini-2026-06-10", "model-index": [{ name: "support-triage" }] });
    expect(card.missing).not.toContain("intendedUse");
    expect(card.missing).toContain("factors");
    expect((await version("support-triage", "14")).card.sections.caveats).toBe("English only.");

    const audit = await gw.gateway.services.store.listAudit({ filter: { action: "model_card.update" }, first: 10 });
    expect(audit.items).toHaveLength(2);
    expect(audit.items.find((e) => e.target === "example/support-triage@15")).toMatchObject({ before: { sections: {} }, after: { sections: { caveats: "English and German." } } });

    const bad = await gw.gql<{ modelCardUpdate: { userErrors: unknown[] } }>(CARD_UPDATE, { input: { backend: "example", model: "support-triage", sections: { license: "MIT License" } } });
    expect(bad.data!.modelCardUpdate.userErrors).toEqual([{ field: ["input", "sections", "license"], code: "INVALID_INPUT", message: expect.stringContaining("SPDX") }]);
    const marker = await gw.gql<{ modelCardUpdate: { userErrors: unknown[] } }>(CARD_UPDATE, { input: { backend: "example", model: "support-triage", sections: { caveats: "a\n<!-- /modelgate:section -->\nb" } } });
    expect(marker.data!.modelCardUpdate.userErrors).toEqual([{ field: ["input", "sections", "caveats"], code: "INVALID_INPUT", message: expect.stringContaining("section markers") }]);
    const missing = await gw.gql<{ modelCardUpdate: { userErrors: unknown[] } }>(CARD_UPDATE, { input: { backend: "example", model: "support-triage", version: "99", sections: { caveats: "x" } } });
    expect(missing.data!.modelCardUpdate.userErrors).toEqual([expect.objectContaining({ code: "NOT_FOUND" })]);
  });
});

describe("a backend that cannot be read", () => {
  it("leaves impact partial, naming the backend and its error code", async () => {
    const down = await startTestGateway({
      config: {
        backends: [
          { id: "example", kind: "git-yaml", repo: "registry", seedFrom: EXAMPLE_SEED },
          // Nothing listens on the discard port: connections are refused.
          { id: "down", kind: "mlflow", trackingUri: "http://127.0.0.1:9", timeoutMs: 2_000 },
        ],
      },
    });
    try {
      const res = await down.gql<{ impact: { partial: boolean; failedBackends: { backendId: string; code: string }[] } }>(
        `{ impact(dataset: "sha256:00") { partial failedBackends { backendId code } } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.impact).toEqual({ partial: true, failedBackends: [{ backendId: "down", code: "UNAVAILABLE" }] });
    } finally {
      await down.stop();
    }
  });
});
