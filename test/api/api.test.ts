/**
 * The API end to end: a real HTTP server, a real git repository seeded from examples/registry, a
 * real SQLite store. Model names below are those of the bundled example registry.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

describe("catalog queries", () => {
  it("lists backends with live health", async () => {
    const res = await gw.gql<{ backends: { backendId: string; kind: string; id: string; health: { state: string; circuit: string } }[] }>(
      "{ backends { id backendId kind health { state latencyMs circuit } capabilities { asOf maxPageSize } } }",
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.backends).toHaveLength(1);
    expect(res.data?.backends[0]).toMatchObject({ backendId: "example", kind: "git-yaml", health: { state: "UP", circuit: "CLOSED" } });
  });

  it("pages through every model exactly once with cursors", async () => {
    const all = await gw.gql<{ models: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      "{ models(first: 100) { nodes { name } pageInfo { hasNextPage } } }",
    );
    const names = all.data!.models.nodes.map((n) => n.name);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(all.data!.models.pageInfo.hasNextPage).toBe(false);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof gw.gql<{ models: { edges: { cursor: string; node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>>> =
        await gw.gql("query($after: String) { models(first: 1, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }", { after });
      expect(page.errors).toBeUndefined();
      seen.push(...page.data!.models.edges.map((e) => e.node.name));
      after = page.data!.models.pageInfo.hasNextPage ? page.data!.models.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(names);
  });

  it("refuses pages larger than 100 with a clear error", async () => {
    const res = await gw.gql("{ models(first: 101) { nodes { name } } }");
    expect(res.errors?.[0]?.message).toBe("first must be between 1 and 100, got 101");
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refetches models and versions by opaque global id", async () => {
    const list = await gw.gql<{ models: { nodes: { id: string; name: string; versions: { nodes: { id: string; version: string }[] } }[] } }>(
      "{ models(first: 1) { nodes { id name versions(first: 1) { nodes { id version } } } } }",
    );
    const model = list.data!.models.nodes[0]!;
    const version = model.versions.nodes[0]!;
    const res = await gw.gql<{ m: { name: string }; v: { version: string; model: { name: string } } }>(
      "query($m: ID!, $v: ID!) { m: node(id: $m) { ... on RegisteredModel { name } } v: node(id: $v) { ... on ModelVersion { version model { name } } } }",
      { m: model.id, v: version.id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ m: { name: model.name }, v: { version: version.version, model: { name: model.name } } });
  });

  it("answers null for a missing model and an error naming the unknown backend", async () => {
    const missing = await gw.gql<{ model: unknown }>('{ model(backend: "example", name: "no-such-model") { name } }');
    expect(missing.errors).toBeUndefined();
    expect(missing.data?.model).toBeNull();
    const unknown = await gw.gql('{ model(backend: "nope", name: "x") { name } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(unknown.errors?.[0]?.message).toContain('unknown backend "nope"; configured backends: example');
  });

  it("lists the environments from config", async () => {
    const res = await gw.gql<{ environments: { name: string; stage: string }[] }>("{ environments { name stage } }");
    expect(res.data?.environments).toEqual([
      { name: "production", stage: "PRODUCTION" },
      { name: "staging", stage: "STAGING" },
    ]);
  });
});

describe("invalid registry content", () => {
  it("names file, line and field, while every other entry is still served", async () => {
    const repo = `${gw.dir}/registry`;
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, ...args], {
        encoding: "utf8",
        env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" },
      });
    writeFileSync(`${repo}/models/broken-entry.yaml`, "name: broken-entry\nversions:\n  - version: 1\n    status: sideways\n");
    git("add", "models/broken-entry.yaml");
    git("commit", "-q", "-m", "add a broken entry");

    const res = await gw.gql<{ backends: { problems: { file: string; line: number; field: string; message: string }[] }[]; models: { nodes: { name: string }[] } }>(
      "{ backends { problems { file line field message } } models(first: 100) { nodes { name } } }",
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.backends[0]!.problems).toEqual([
      expect.objectContaining({ file: "models/broken-entry.yaml", line: 4, field: "versions[0].status" }),
    ]);
    expect(res.data!.models.nodes.length).toBeGreaterThanOrEqual(3);

    const direct = await gw.gql('{ model(backend: "example", name: "broken-entry") { name } }');
    expect(direct.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", file: "models/broken-entry.yaml", line: 4 });
    expect(direct.errors?.[0]?.message).toContain("models/broken-entry.yaml");

    git("rm", "-q", "models/broken-entry.yaml");
    git("commit", "-q", "-m", "remove the broken entry");
  });
});

describe("resolve", () => {
  const RESOLVE = `query($name: String!, $env: String!) { resolve(name: $name, environment: $env) {
    name environment registryVersion etag ... on ResolvedEntry { backendId selectedBy
    version { version stage serving generationConfig { model promptRef params } }
    prompt { name version template } tools { name version tools } } } }`;

  async function productionLlmModel(): Promise<string> {
    const res = await gw.gql<{ models: { nodes: { name: string; versions: { nodes: { stage: string; generationConfig: unknown }[] } }[] } }>(
      "{ models(first: 100) { nodes { name versions(first: 100, filter: { stage: PRODUCTION }) { nodes { stage generationConfig { model } } } } } }",
    );
    const hit = res.data!.models.nodes.find((m) => m.versions.nodes.some((v) => v.generationConfig));
    if (!hit) throw new Error("the example registry must hold a production LLM entry");
    return hit.name;
  }

  it("returns the production entry with its prompt inlined, registry version and ETag", async () => {
    const name = await productionLlmModel();
    const res = await gw.gql<{ resolve: Record<string, unknown> & { version: { stage: string; serving: boolean }; etag: string; registryVersion: string } }>(RESOLVE, {
      name,
      env: "production",
    });
    expect(res.errors).toBeUndefined();
    const entry = res.data!.resolve;
    expect(entry.version.stage).toBe("PRODUCTION");
    expect(entry.version.serving).toBe(true);
    expect(entry.registryVersion).toMatch(new RegExp(`^example/${name}@`));
    expect(entry.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect((entry.prompt as { template: string } | null)?.template.length ?? 0).toBeGreaterThan(0);
  });

  it("serves GET /v1/resolve with an ETag and answers 304 when it has not changed", async () => {
    const name = await productionLlmModel();
    const first = await fetch(`${gw.url}/v1/resolve/${encodeURIComponent(name)}?env=production`);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    const body = (await first.json()) as { registryVersion: string; etag: string };
    expect(etag).toBe(body.etag);
    expect(first.headers.get("x-registry-version")).toBe(body.registryVersion);
    const again = await fetch(`${gw.url}/v1/resolve/${encodeURIComponent(name)}?env=production`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    const byBackend = await fetch(`${gw.url}/v1/resolve/example%2F${encodeURIComponent(name)}?env=production`);
    expect(((await byBackend.json()) as { etag: string }).etag).toBe(etag);
  });

  it("an alias named after the environment wins over the stage, and the ETag changes with it", async () => {
    const name = await productionLlmModel();
    const before = await gw.gql<{ resolve: { etag: string; version: { version: string } } }>(RESOLVE, { name, env: "staging" });
    const versions = await gw.gql<{ model: { versions: { nodes: { version: string }[] } } }>(
      `{ model(backend: "example", name: "${name}") { versions(first: 100) { nodes { version } } } }`,
    );
    const other = versions.data!.model.versions.nodes.map((v) => v.version).find((v) => v !== before.data?.resolve.version.version);
    expect(other).toBeDefined();
    const set = await gw.gql<{ aliasSet: { userErrors: unknown[] } }>(
      `mutation { aliasSet(input: { backend: "example", model: "${name}", alias: "staging", version: "${other}" }) { userErrors { code message } } }`,
    );
    expect(set.data?.aliasSet.userErrors).toEqual([]);
    const after = await gw.gql<{ resolve: { etag: string; selectedBy: string; version: { version: string } } }>(RESOLVE, { name, env: "staging" });
    expect(after.data?.resolve).toMatchObject({ selectedBy: "ALIAS", version: { version: other } });
    expect(after.data?.resolve.etag).not.toBe(before.data?.resolve.etag);
    await gw.gql(`mutation { aliasRemove(input: { backend: "example", model: "${name}", alias: "staging" }) { userErrors { code } } }`);
  });

  it("names the configured environments when given an unknown one", async () => {
    const res = await gw.gql(RESOLVE, { name: "x", env: "moon" });
    expect(res.errors?.[0]?.message).toBe('unknown environment "moon"; configured environments: production, staging');
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("answers NOT_FOUND for an unknown name over HTTP with 404", async () => {
    const res = await fetch(`${gw.url}/v1/resolve/no-such-entry?env=production`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });
});

describe("mutations and the audit trail", () => {
  it("registers a version as a git commit by the gateway, and records it in the trail", async () => {
    const res = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string; model: { name: string } }; userErrors: unknown[] } }>(
      `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) {
        modelVersion { version stage model { name } generationConfig { model } } userErrors { field code message } } }`,
      {
        input: {
          backend: "example",
          model: "api-test-entry",
          generationConfig: { model: "gpt-5-mini-2026-06-10", params: { temperature: 0.1 } },
          tags: [{ key: "team", value: "qa" }],
          reason: "api test",
        },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
    expect(res.data?.modelVersionRegister.modelVersion).toMatchObject({ version: "1", model: { name: "api-test-entry" } });

    const log = execFileSync("git", ["-C", `${gw.dir}/registry`, "log", "-1", "--format=%s%n%b"], { encoding: "utf8" });
    expect(log).toContain("api-test-entry");
    expect(log).toContain("api test");

    const trail = await gw.gql<{ auditEvents: { nodes: { action: string; target: string; outcome: string; reason: string; actor: string; hash: string }[] } }>(
      '{ auditEvents(first: 5, filter: { model: "api-test-entry" }) { nodes { action target outcome reason actor hash } } }',
    );
    expect(trail.data?.auditEvents.nodes[0]).toMatchObject({
      action: "model_version.register",
      target: "example/api-test-entry@1",
      outcome: "SUCCESS",
      reason: "api test",
      actor: "anonymous",
    });
  });

  it("returns business errors as userErrors naming the field, and records the refusal", async () => {
    const res = await gw.gql<{ aliasSet: { modelVersion: unknown; userErrors: { field: string[]; code: string; message: string }[] } }>(
      'mutation { aliasSet(input: { backend: "example", model: "no-such-model", alias: "x", version: "1" }) { modelVersion { version } userErrors { field code message } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.aliasSet.modelVersion).toBeNull();
    expect(res.data?.aliasSet.userErrors[0]?.code).toBe("NOT_FOUND");

    const bad = await gw.gql<{ aliasSet: { userErrors: { field: string[]; code: string; message: string }[] } }>(
      'mutation { aliasSet(input: { backend: "example", model: "m", alias: "no spaces", version: "1" }) { userErrors { field code message } } }',
    );
    expect(bad.data?.aliasSet.userErrors).toEqual([
      { field: ["input", "alias"], code: "INVALID_INPUT", message: "alias: must be 1-64 letters, digits, '-' or '_'" },
    ]);

    const trail = await gw.gql<{ auditEvents: { nodes: { outcome: string; error: string }[] } }>(
      '{ auditEvents(first: 1, filter: { model: "no-such-model" }) { nodes { outcome error } } }',
    );
    expect(trail.data?.auditEvents.nodes[0]?.outcome).toBe("FAILURE");
  });

  it("moves an alias and reports where it was", async () => {
    await gw.gql('mutation { modelVersionRegister(input: { backend: "example", model: "alias-move", artifactUri: "s3://b/1" }) { userErrors { code } } }');
    await gw.gql('mutation { modelVersionRegister(input: { backend: "example", model: "alias-move", artifactUri: "s3://b/2" }) { userErrors { code } } }');
    const set = (v: string) =>
      gw.gql<{ aliasSet: { previousVersion: string | null; modelVersion: { version: string; aliases: string[] } } }>(
        `mutation { aliasSet(input: { backend: "example", model: "alias-move", alias: "champion", version: "${v}" }) { previousVersion modelVersion { version aliases } userErrors { code } } }`,
      );
    expect((await set("1")).data?.aliasSet).toEqual({ previousVersion: null, modelVersion: { version: "1", aliases: ["champion"] }, userErrors: [] });
    expect((await set("2")).data?.aliasSet).toEqual({ previousVersion: "1", modelVersion: { version: "2", aliases: ["champion"] }, userErrors: [] });
    const v1 = await gw.gql<{ modelVersion: { aliases: string[] } }>('{ modelVersion(backend: "example", model: "alias-move", version: "1") { aliases } }');
    expect(v1.data?.modelVersion.aliases).toEqual([]);
  });
});

describe("API hygiene", () => {
  it("refuses deep queries and alias floods before running them", async () => {
    const deep = await gw.gql(
      "{ models { nodes { versions { nodes { model { versions { nodes { model { versions { nodes { model { backend { kind } } } } } } } } } } } } }",
    );
    expect(deep.errors?.[0]?.message).toBe("query depth 13 is over the limit of 12 (limits.maxDepth)");
    expect(deep.errors?.[0]?.extensions).toEqual({ code: "QUERY_TOO_COMPLEX", limit: "maxDepth", max: 12 });
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: environments { name }`).join(" ");
    const flood = await gw.gql(`{ ${aliases} }`);
    expect(flood.errors?.[0]?.message).toBe("alias count 31 is over the limit of 30 (limits.maxAliases)");
  });

  it("refuses a GET without a preflight header and a simple-request POST (CSRF prevention)", async () => {
    const csrf = await fetch(`${gw.graphqlUrl}?query=${encodeURIComponent("{ environments { name } }")}`);
    expect(csrf.status).toBe(400);
    const form = await fetch(gw.graphqlUrl, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(400);
  });

  it("echoes a safe X-Request-Id and replaces an unsafe one", async () => {
    const ok = await fetch(`${gw.url}/healthz`, { headers: { "x-request-id": "abc-123" } });
    expect(ok.headers.get("x-request-id")).toBe("abc-123");
    const unsafe = await fetch(`${gw.url}/healthz`, { headers: { "x-request-id": "bad/id with spaces" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reports readiness per backend", async () => {
    const res = await fetch(`${gw.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, store: "UP", backends: [{ id: "example", kind: "git-yaml", state: "UP" }] });
  });

  it("serves GraphiQL and its assets from the package (no CDN)", async () => {
    const page = await fetch(`${gw.url}/graphiql`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ["react.js", "react-dom.js", "graphiql.js", "graphiql.css"]) {
      const res = await fetch(`${gw.url}/graphiql/assets/${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
  });
});
