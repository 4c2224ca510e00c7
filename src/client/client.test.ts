/**
 * The client's error policy and ETag revalidation, against scripted fetch answers (no gateway):
 * what is thrown, what is returned next to partial data, and which headers are sent.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { ModelgateClient } from "./client.js";
import { ModelgateError, ModelgateUserError, formatUserError } from "./errors.js";
import type { FetchLike } from "./transport.js";

interface Sent {
  url: string;
  init: RequestInit;
  body: unknown;
}

/** A fetch that records requests and answers from a script, one answer per call. */
function scripted(...answers: (() => Response)[]): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: async (url, init) => {
      sent.push({ url, init, body: typeof init.body === "string" ? JSON.parse(init.body) : undefined });
      const next = answers.shift();
      if (!next) throw new Error(`unexpected request ${url}`);
      return next();
    },
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const entry = {
  kind: "model",
  name: "triage",
  environment: "production",
  backend: "example",
  version: "3",
  stage: "PRODUCTION",
  registryVersion: "example/triage@3",
  selectedBy: "STAGE",
  artifactUri: null,
  generationConfig: { model: "m-2026-01-01", params: {} },
  prompt: null,
  tools: null,
  params: {},
  lineage: {},
  etag: '"abc"',
};

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("ModelgateClient.graphql", () => {
  it("returns data and the errors next to it when the result is partial", async () => {
    const partialError = { message: "mlflow is down", path: ["models"], extensions: { code: "BACKEND_UNAVAILABLE", backend: "mlflow" } };
    const { fetch } = scripted(json({ data: { models: { nodes: [] } }, errors: [partialError] }));
    const result = await new ModelgateClient({ url: "http://gw", fetch }).graphql<{ models: unknown }>("{ models { nodes { name } } }");
    expect(result.data).toEqual({ models: { nodes: [] } });
    expect(result.errors).toEqual([partialError]);
  });

  it("throws a ModelgateError with code, backend and every error when there is no data", async () => {
    const errors = [
      { message: 'unknown backend "nope"', extensions: { code: "NOT_FOUND", backend: "nope" } },
      { message: "second", extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ];
    const { fetch } = scripted(json({ data: null, errors }));
    const err = await new ModelgateClient({ url: "http://gw", fetch }).graphql("{ x }").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelgateError);
    expect(err).toMatchObject({ code: "NOT_FOUND", backend: "nope", status: 200, errors });
    expect((err as Error).message).toBe('unknown backend "nope"; second');
  });

  it("reports validation errors answered with HTTP 400 by their code", async () => {
    const { fetch } = scripted(json({ errors: [{ message: 'Cannot query field "nope"', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] }, 400));
    await expect(new ModelgateClient({ url: "http://gw", fetch }).graphql("{ nope }")).rejects.toMatchObject({
      code: "GRAPHQL_VALIDATION_FAILED",
      status: 400,
    });
  });

  it("posts JSON to <url>/graphql with the bearer token and variables", async () => {
    const { fetch, sent } = scripted(json({ data: { ok: true } }));
    await new ModelgateClient({ url: "http://gw:4000/base/graphql/", token: "t0k", fetch }).graphql("query($a: Int) { ok }", { a: 1 });
    expect(sent[0]?.url).toBe("http://gw:4000/base/graphql");
    expect(sent[0]?.init.method).toBe("POST");
    const headers = sent[0]?.init.headers as Record<string, string>;
    expect(headers["content-type"]).toBe("application/json");
    expect(headers.authorization).toBe("Bearer t0k");
    expect(sent[0]?.body).toEqual({ query: "query($a: Int) { ok }", variables: { a: 1 } });
  });

  it("says a non-JSON answer is not from a gateway (BAD_RESPONSE)", async () => {
    const { fetch } = scripted(() => new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    await expect(new ModelgateClient({ url: "http://gw", fetch }).graphql("{ x }")).rejects.toMatchObject({
      code: "BAD_RESPONSE",
      status: 502,
      message: expect.stringContaining("not JSON"),
    });
  });

  it("turns a refused connection into UNREACHABLE naming the URL", async () => {
    const port = await closedPort();
    const err = await new ModelgateClient({ url: `http://127.0.0.1:${port}` }).graphql("{ x }").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNREACHABLE", url: `http://127.0.0.1:${port}/graphql`, isTransport: true });
    expect((err as Error).message).toContain(`gateway unreachable at http://127.0.0.1:${port}/graphql`);
    expect((err as Error).message).toContain("ECONNREFUSED");
  });

  it("gives up after timeoutMs with TIMEOUT", async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const err = await new ModelgateClient({ url: "http://gw", fetch: hang, timeoutMs: 30 }).graphql("{ x }").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "TIMEOUT", message: "no answer from the gateway at http://gw/graphql within 30 ms" });
  });

  it("rejects a base URL that is not absolute http(s)", () => {
    expect(() => new ModelgateClient({ url: "localhost:4000" })).toThrow(/must use http or https|not an absolute URL/);
    expect(() => new ModelgateClient({ url: "gateway" })).toThrow('url "gateway" is not an absolute URL');
  });
});

describe("ModelgateClient.resolve", () => {
  it("revalidates with the last ETag and reuses the cached entry on 304", async () => {
    const { fetch, sent } = scripted(json(entry, 200, { etag: '"abc"' }), () => new Response(null, { status: 304, headers: { etag: '"abc"' } }));
    const client = new ModelgateClient({ url: "http://gw", fetch });
    const first = await client.resolve("example/triage", "production");
    expect(first).toEqual({ entry, etag: '"abc"', notModified: false, stale: false, fetchedAt: expect.any(Date) });
    expect(sent[0]?.url).toBe("http://gw/v1/resolve/example%2Ftriage?env=production");
    expect((sent[0]?.init.headers as Record<string, string>)["if-none-match"]).toBeUndefined();

    const second = await client.resolve("example/triage", "production");
    expect((sent[1]?.init.headers as Record<string, string>)["if-none-match"]).toBe('"abc"');
    expect(second).toEqual({ entry, etag: '"abc"', notModified: true, stale: false, fetchedAt: expect.any(Date) });
    expect(second.entry).toBe(first.entry);
  });

  it("keeps one cache entry per environment and asOf", async () => {
    const { fetch, sent } = scripted(json(entry), json({ ...entry, environment: "staging" }), json(entry));
    const client = new ModelgateClient({ url: "http://gw", fetch });
    await client.resolve("triage", "production");
    await client.resolve("triage", "staging");
    await client.resolve("triage", "production", { asOf: new Date("2026-01-01T00:00:00Z") });
    expect(sent.map((s) => (s.init.headers as Record<string, string>)["if-none-match"])).toEqual([undefined, undefined, undefined]);
    expect(sent[2]?.url).toBe("http://gw/v1/resolve/triage?env=production&asOf=2026-01-01T00%3A00%3A00.000Z");
  });

  it("throws the gateway's error code for a 404 and forgets the cached entry", async () => {
    const { fetch, sent } = scripted(
      json(entry),
      json({ error: { code: "NOT_FOUND", message: 'no model named "triage" in any backend' } }, 404),
      json(entry),
    );
    const client = new ModelgateClient({ url: "http://gw", fetch });
    await client.resolve("triage", "production");
    await expect(client.resolve("triage", "production")).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
    await client.resolve("triage", "production");
    expect((sent[2]?.init.headers as Record<string, string>)["if-none-match"]).toBeUndefined();
  });
});

describe("ModelgateClient mutations", () => {
  it("throws ModelgateUserError with every userError when the gateway refuses", async () => {
    const userErrors = [{ field: ["input", "version"], code: "NOT_FOUND", message: 'no version 9 of "triage"' }];
    const { fetch } = scripted(json({ data: { aliasSet: { modelVersion: null, previousVersion: null, userErrors } } }));
    const err = await new ModelgateClient({ url: "http://gw", fetch })
      .setAlias({ backend: "example", model: "triage", alias: "production", version: "9" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelgateUserError);
    expect(err).toMatchObject({ mutation: "aliasSet", code: "NOT_FOUND", userErrors });
  });

  it("sends tags and metrics as lists and returns them as records", async () => {
    const version = {
      id: "v1",
      backendId: "example",
      modelName: "triage",
      version: "4",
      stage: "NONE",
      tags: [{ key: "team", value: "search" }],
      metrics: [{ key: "acc", value: 0.9 }],
    };
    const { fetch, sent } = scripted(json({ data: { modelVersionRegister: { modelVersion: version, userErrors: [] } } }));
    const result = await new ModelgateClient({ url: "http://gw", fetch }).registerVersion({
      backend: "example",
      model: "triage",
      tags: { team: "search" },
      metrics: { acc: 0.9 },
    });
    expect((sent[0]?.body as { variables: unknown }).variables).toEqual({
      input: { backend: "example", model: "triage", tags: [{ key: "team", value: "search" }], metrics: [{ key: "acc", value: 0.9 }] },
    });
    expect(result.tags).toEqual({ team: "search" });
    expect(result.metrics).toEqual({ acc: 0.9 });
  });
});

describe("formatUserError", () => {
  it("names the field once even when the message repeats it", () => {
    expect(formatUserError({ field: ["input", "metrics", "0", "value"], code: "INVALID_INPUT", message: "metrics.0.value: must be a finite number" })).toBe(
      "input.metrics.0.value: must be a finite number (INVALID_INPUT)",
    );
    expect(formatUserError({ field: null, code: "CONFLICT", message: "changed meanwhile" })).toBe("changed meanwhile (CONFLICT)");
  });
});
