/** Serving the built console: content types, CSP, caching, page fallback, compression, refusals. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "./auth.js";
import { CONSOLE_CSP, createConsoleHandler } from "./ui.js";
import { startTestGateway } from "../../test/support/test-gateway.js";

const PAGE = '<!doctype html><html><head><script type="module" src="/ui/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>\n';
const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});\n`;

let dir: string;
let server: Server;
let base: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request (fetch would decompress and normalise the path). */
function get(path: string, headers: Record<string, string> = {}, method = "GET", url = base): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-ui-"));
  await mkdir(join(dir, "assets"));
  await writeFile(join(dir, "index.html"), PAGE);
  await writeFile(join(dir, "assets", "index-abc123.js"), SCRIPT);
  await writeFile(join(dir, "assets", "index-def456.css"), "body{margin:0}\n");
  await writeFile(join(dir, "secret.txt"), "not under assets\n");
  const handler = createConsoleHandler(dir);
  server = createServer((req, res) => void handler(req, res, new URL(req.url ?? "/", "http://x").pathname));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe("the console's files", () => {
  it("answers the page for /ui and for any screen path, uncached, under a strict CSP", async () => {
    for (const path of ["/ui", "/ui/", "/ui/approvals", "/ui/models/example/gpt-4.1-mini", "/ui/deployments/production/support-bot"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toBe(CONSOLE_CSP);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.body.toString()).toBe(PAGE);
    }
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).not.toContain("unsafe-inline");
  });

  it("serves hashed assets with their type, cached for a year", async () => {
    const js = await get("/ui/assets/index-abc123.js");
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(js.body.toString()).toBe(SCRIPT);
    const css = await get("/ui/assets/index-def456.css");
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("compresses with brotli or gzip as accepted, and answers 304 to a matching ETag", async () => {
    const br = await get("/ui/assets/index-abc123.js", { "accept-encoding": "gzip, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["vary"]).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    const gz = await get("/ui/assets/index-abc123.js", { "accept-encoding": "gzip, br;q=0" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    const again = await get("/ui/assets/index-abc123.js", { "if-none-match": String(br.headers["etag"]) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it("answers 404 for a missing asset and never a file outside assets", async () => {
    expect((await get("/ui/assets/missing-000.js")).status).toBe(404);
    for (const path of ["/ui/assets/..%2fsecret.txt", "/ui/assets/..%2f..%2fpackage.json"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString()).not.toContain("not under assets");
    }
    // The URL parser resolves %2e%2e itself: /ui/secret.txt is a screen path, answered with the page.
    const dots = await get("/ui/assets/%2e%2e/secret.txt");
    expect(dots.body.toString()).toBe(PAGE);
  });

  it("refuses other methods and malformed paths", async () => {
    const post = await get("/ui/approvals", {}, "POST");
    expect(post.status).toBe(405);
    expect(post.headers["allow"]).toBe("GET, HEAD");
    expect((await get("/ui/%E0%A4%A")).status).toBe(400);
    const head = await get("/ui/assets/index-abc123.js", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it("says how to build the console when it is missing", async () => {
    const empty = await mkdtemp(join(tmpdir(), "modelgate-ui-empty-"));
    const handler = createConsoleHandler(empty);
    const other = createServer((req, res) => void handler(req, res, "/ui"));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    try {
      const res = await get("/ui", {}, "GET", `http://127.0.0.1:${(other.address() as AddressInfo).port}`);
      expect(res.status).toBe(503);
      expect(res.body.toString()).toContain("npm run build");
      expect(res.headers["content-security-policy"]).toBe(CONSOLE_CSP);
    } finally {
      await new Promise((r) => other.close(r));
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe("the gateway's /ui route", () => {
  it("serves the console without a token while the API needs one", async () => {
    const gw = await startTestGateway({ config: { auth: { tokens: [{ subject: "v", sha256: sha256Hex("ui-route-token-0123456789"), roles: ["viewer"] }] } } });
    try {
      const page = await get("/ui/approvals", {}, "GET", gw.url);
      // 200 when dist/ui is built, 503 with instructions when not: never 401 or 404.
      expect([200, 503]).toContain(page.status);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.headers["content-security-policy"]).toBe(CONSOLE_CSP);
      expect((await get("/graphql?query=%7Bviewer%7Bid%7D%7D", {}, "GET", gw.url)).status).toBe(401);
    } finally {
      await gw.stop();
    }
  });
});
