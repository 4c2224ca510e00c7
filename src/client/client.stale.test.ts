/**
 * resolve() against a real local HTTP server that answers, fails (503, a proxy's 502 page, 4xx),
 * hangs or goes away: the last good answer is served marked stale while the gateway cannot
 * answer, never for a 4xx, and not beyond maxStaleMs. Also the deployment kind of answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelgateClient, type ModelgateClientOptions } from "./client.js";
import { ModelgateError } from "./errors.js";
import type { ResolvedDeployment } from "./types.js";

type Mode = "ok" | "503" | "502-html" | "404" | "400" | "hang";

const MODEL = {
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
  etag: '"m1"',
};

const DEPLOYMENT: ResolvedDeployment = {
  kind: "deployment",
  name: "support-bot",
  environment: "production",
  revision: 2,
  contentHash: "d2",
  registryVersion: "support-bot@production#2",
  etag: '"d2"',
  components: [
    {
      role: "classifier",
      weight: 100,
      shadow: false,
      serving: true,
      backend: "example",
      model: "triage",
      version: "3",
      stage: "PRODUCTION",
      registryVersion: "example/triage@3",
      artifactUri: null,
      generationConfig: { model: "m-2026-01-01", params: { temperature: 0.2 } },
      prompt: { name: "triage-prompt", version: "v9", template: "Route {{ticket}}" },
      tools: null,
      params: {},
    },
    {
      role: "generation",
      weight: 0,
      shadow: true,
      serving: false,
      backend: "example",
      model: "drafter",
      version: "4",
      stage: "SHADOW",
      registryVersion: "example/drafter@4",
      artifactUri: "s3://models/drafter/4",
      generationConfig: null,
      prompt: null,
      tools: null,
      params: {},
    },
  ],
};

/** A stand-in gateway for GET /v1/resolve whose behaviour the test switches. */
class FakeGateway {
  mode: Mode = "ok";
  requests: { url: string; ifNoneMatch: string | undefined }[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Stops listening and drops every connection: the next request is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const ifNoneMatch = req.headers["if-none-match"];
    this.requests.push({ url: req.url ?? "", ifNoneMatch });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    switch (this.mode) {
      case "hang":
        return;
      case "503":
        return json(503, { error: { code: "BACKEND_UNAVAILABLE", message: "backend example is unavailable", backend: "example" } });
      case "502-html":
        res.writeHead(502, { "content-type": "text/html" }).end("<html>502 Bad Gateway</html>");
        return;
      case "404":
        return json(404, { error: { code: "NOT_FOUND", message: "no model or deployment named that" } });
      case "400":
        return json(400, { error: { code: "BAD_USER_INPUT", message: 'unknown environment "prod"' } });
      case "ok": {
        const body = req.url?.startsWith("/v1/resolve/support-bot") ? DEPLOYMENT : MODEL;
        if (ifNoneMatch === body.etag) {
          res.writeHead(304, { etag: body.etag }).end();
          return;
        }
        return json(200, body, { etag: body.etag });
      }
    }
  }
}

let gw: FakeGateway;
beforeEach(async () => {
  gw = new FakeGateway();
  await gw.start();
});
afterEach(async () => {
  await gw.stop();
});

const clientFor = (opts: Partial<ModelgateClientOptions> = {}) => new ModelgateClient({ url: gw.url, timeoutMs: 5_000, ...opts });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("resolve while the gateway cannot answer", () => {
  it("serves the last good answer marked stale while the gateway is unreachable, and throws for a name it never got", async () => {
    const client = clientFor();
    const first = await client.resolve("triage", "production");
    expect(first).toMatchObject({ stale: false, notModified: false, etag: '"m1"', entry: { kind: "model", registryVersion: "example/triage@3" } });

    await gw.stop();
    const stale = await client.resolve("triage", "production");
    expect(stale.stale).toBe(true);
    expect(stale.entry).toBe(first.entry);
    expect(stale.etag).toBe('"m1"');
    expect(stale.fetchedAt).toEqual(first.fetchedAt);
    expect(stale.staleReason).toBeInstanceOf(ModelgateError);
    expect(stale.staleReason).toMatchObject({ code: "UNREACHABLE", isTransport: true });
    expect(stale.staleReason?.message).toContain("ECONNREFUSED");

    // Nothing cached for another environment: the error is thrown.
    await expect(client.resolve("triage", "staging")).rejects.toMatchObject({ code: "UNREACHABLE" });
  });

  it("serves stale on HTTP 503 and on a proxy's 502 page, and is fresh again once the gateway answers", async () => {
    const client = clientFor();
    const first = await client.resolve("triage", "production");

    gw.mode = "503";
    const on503 = await client.resolve("triage", "production");
    expect(on503).toMatchObject({ stale: true, entry: first.entry, staleReason: { code: "BACKEND_UNAVAILABLE", status: 503, backend: "example" } });

    gw.mode = "502-html";
    const on502 = await client.resolve("triage", "production");
    expect(on502).toMatchObject({ stale: true, staleReason: { code: "BAD_RESPONSE", status: 502 } });

    // The gateway is back: it revalidates with the cached ETag and confirms the entry again.
    await sleep(20);
    gw.mode = "ok";
    const back = await client.resolve("triage", "production");
    expect(back).toMatchObject({ stale: false, notModified: true, entry: first.entry });
    expect(back.staleReason).toBeUndefined();
    expect(back.fetchedAt.getTime()).toBeGreaterThan(first.fetchedAt.getTime());
    expect(gw.requests.map((r) => r.ifNoneMatch)).toEqual([undefined, '"m1"', '"m1"', '"m1"']);
  });

  it("serves stale when the gateway does not answer within timeoutMs", async () => {
    const client = clientFor({ timeoutMs: 200 });
    const first = await client.resolve("triage", "production");
    gw.mode = "hang";
    const late = await client.resolve("triage", "production");
    expect(late).toMatchObject({ stale: true, entry: first.entry, staleReason: { code: "TIMEOUT" } });
  });

  it("never covers a 4xx: an unknown name throws and forgets the entry, a bad request throws", async () => {
    const client = clientFor();
    await client.resolve("triage", "production");

    gw.mode = "400";
    await expect(client.resolve("triage", "production")).rejects.toMatchObject({ code: "BAD_USER_INPUT", status: 400 });
    // A 400 does not forget the entry: a later outage is still covered.
    gw.mode = "503";
    expect((await client.resolve("triage", "production")).stale).toBe(true);

    gw.mode = "404";
    await expect(client.resolve("triage", "production")).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
    // The name is gone: nothing is served for it any more.
    gw.mode = "503";
    await expect(client.resolve("triage", "production")).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE", status: 503 });
  });

  it("throws once the answer is older than maxStaleMs (client-wide or per call), and never serves stale with 0 or without a cache", async () => {
    const client = clientFor({ maxStaleMs: 5 });
    await client.resolve("triage", "production");
    await sleep(20);
    gw.mode = "503";
    const err = await client.resolve("triage", "production").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelgateError);
    expect(err).toMatchObject({ code: "BACKEND_UNAVAILABLE", status: 503 });
    expect((await client.resolve("triage", "production", { maxStaleMs: 60_000 })).stale).toBe(true);
    await expect(client.resolve("triage", "production", { maxStaleMs: 0 })).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });

    gw.mode = "ok";
    const uncached = clientFor({ resolveCacheSize: 0 });
    await uncached.resolve("triage", "production");
    gw.mode = "503";
    await expect(uncached.resolve("triage", "production")).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });

    expect(() => clientFor({ maxStaleMs: -1 })).toThrow(RangeError);
  });
});

describe("resolve of a deployment", () => {
  it("returns the bundle as kind deployment, revalidates it with its ETag and serves it stale", async () => {
    const client = clientFor();
    const first = await client.resolve("support-bot", "production");
    expect(first.entry).toEqual(DEPLOYMENT);
    const { entry } = first;
    if (entry.kind !== "deployment") throw new Error(`expected a deployment, got ${entry.kind}`);
    // Narrowed by kind: the bundle's fields are typed.
    expect(entry.revision).toBe(2);
    expect(entry.components.filter((c) => c.serving).map((c) => c.registryVersion)).toEqual(["example/triage@3"]);
    expect(entry.components.find((c) => c.shadow)?.role).toBe("generation");

    const again = await client.resolve("support-bot", "production");
    expect(again).toMatchObject({ notModified: true, stale: false, etag: '"d2"' });
    expect(gw.requests[1]).toEqual({ url: "/v1/resolve/support-bot?env=production", ifNoneMatch: '"d2"' });

    await gw.stop();
    const stale = await client.resolve("support-bot", "production");
    expect(stale).toMatchObject({ stale: true, staleReason: { code: "UNREACHABLE" } });
    expect(stale.entry).toBe(first.entry);
  });
});
