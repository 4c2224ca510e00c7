/**
 * Listing an MLflow model's versions through GraphQL, page after page, counting the requests MLflow
 * receives (a recording proxy in front of the shared server): `model { versions }` asks nothing
 * else of the model, so no model read precedes the page; the listing reads the model (its aliases)
 * with its first page only, and each later page is one version search, with aliases and stages as
 * of the first page, until a write through the gateway changes the model.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallContext } from "../../src/core/index.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.js";
import { deleteModelsWithPrefix, mlflowRest, sharedMlflowUrl, uniquePrefix } from "./helpers.js";

const prefix = uniquePrefix("listing");
const big = `${prefix}-big`;
const empty = `${prefix}-empty`;
let url: string;
let proxy: FaultProxy;
let gw: TestGateway;

interface Node {
  version: string;
  stage: string;
  aliases: string[];
}
interface Answer {
  model: { versions: { nodes: Node[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } } | null;
}

const PAGE = `query Page($name: String!, $after: String) {
  model(backend: "mlflow", name: $name) { versions(first: 100, after: $after) { nodes { version stage aliases } pageInfo { endCursor hasNextPage } } }
}`;

/** The MLflow requests one GraphQL operation caused. */
async function page(name: string, after: string | null, query = PAGE): Promise<{ answer: Answer; requests: string[] }> {
  const before = proxy.requests.length;
  const res = await gw.gql<Answer>(query, { name, after });
  expect(res.errors).toBeUndefined();
  return { answer: res.data as Answer, requests: proxy.requests.slice(before).map((r) => r.path) };
}

beforeAll(async () => {
  url = sharedMlflowUrl();
  await mlflowRest(url, "POST", "registered-models/create", { name: big });
  let next = 1;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next <= 250) {
        next++;
        await mlflowRest(url, "POST", "model-versions/create", { name: big, source: "s3://bucket/big" });
      }
    }),
  );
  await mlflowRest(url, "POST", "registered-models/alias", { name: big, alias: "production", version: "5" });
  await mlflowRest(url, "POST", "registered-models/alias", { name: big, alias: "champion", version: "120" });
  await mlflowRest(url, "POST", "registered-models/create", { name: empty });
  proxy = await startFaultProxy(url);
  // Idle checks off: the leader's first check lists the production stage at start, and this file
  // counts the requests one query makes.
  gw = await startTestGateway({ config: { backends: [{ id: "mlflow", kind: "mlflow", trackingUri: proxy.url }], lifecycle: { idle: { enabled: false } } } });
}, 180_000);

afterAll(async () => {
  await gw?.stop();
  await proxy?.close();
  await deleteModelsWithPrefix(url, prefix);
});

describe("listing an MLflow model's versions through GraphQL", () => {
  it("reads the model with the first page only: later pages are one version search each", async () => {
    const first = await page(big, null);
    expect(first.requests.sort()).toEqual(["model-versions/search", "registered-models/get"]);
    expect(first.answer.model?.versions.nodes[4]).toEqual({ version: "5", stage: "PRODUCTION", aliases: ["production"] });

    const second = await page(big, first.answer.model?.versions.pageInfo.endCursor ?? null);
    expect(second.requests).toEqual(["model-versions/search"]);
    expect(second.answer.model?.versions.nodes.map((n) => n.version)).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 101)));
    expect(second.answer.model?.versions.nodes[19]).toEqual({ version: "120", stage: "NONE", aliases: ["champion"] });

    const third = await page(big, second.answer.model?.versions.pageInfo.endCursor ?? null);
    expect(third.requests).toEqual(["model-versions/search"]);
    expect(third.answer.model?.versions.nodes).toHaveLength(50);
    expect(third.answer.model?.versions.pageInfo.hasNextPage).toBe(false);
  });

  it("reads the model again after a write through the gateway changed it", async () => {
    const first = await page(big, null);
    await gw.gateway.services.catalog.backend("mlflow").setAlias(big, "champion", "130", createCallContext({ timeoutMs: 20_000, actor: { id: "tester", roles: [] } }));
    const second = await page(big, first.answer.model?.versions.pageInfo.endCursor ?? null);
    expect(second.requests.sort()).toEqual(["model-versions/search", "registered-models/get"]);
    const byVersion = new Map(second.answer.model?.versions.nodes.map((n) => [n.version, n.aliases]));
    expect(byVersion.get("120")).toEqual([]);
    expect(byVersion.get("130")).toEqual(["champion"]);
  });

  it("answers null for a model that does not exist, and an empty page for a model without versions", async () => {
    const missing = await page(`${prefix}-missing`, null);
    expect(missing.answer.model).toBeNull();
    const none = await page(empty, null);
    expect(none.answer.model?.versions.nodes).toEqual([]);
  });

  it("reads the model first when the query asks for more of it than its versions", async () => {
    const query = `query Page($name: String!, $after: String) {
      model(backend: "mlflow", name: $name) { name latestVersion versions(first: 100, after: $after) { nodes { version } pageInfo { endCursor hasNextPage } } }
    }`;
    const res = await page(big, null, query);
    expect(res.requests.sort()).toEqual(["model-versions/search", "registered-models/get"]);
    expect(res.answer.model).toMatchObject({ name: big, latestVersion: "250" });
  });
});
