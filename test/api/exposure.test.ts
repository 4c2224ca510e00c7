/**
 * What a development-mode gateway (no auth: every caller is admin) answers to requests that did
 * not come from this machine by name (DNS rebinding), and how any gateway answers a path with a
 * malformed `%` escape. Raw node:http requests, since fetch does not let a caller set Host.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { sha256Hex } from "../../src/http/auth.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

interface Answer {
  status: number;
  body: string;
  upgraded: boolean;
}

/** One request to the gateway's socket with the given Host header (and, for upgrades, WebSocket headers). */
function send(gw: TestGateway, path: string, host: string, opts: { upgrade?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port,
      path,
      method: "GET",
      setHost: false,
      headers: {
        host,
        ...(opts.upgrade
          ? { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-protocol": "graphql-transport-ws" }
          : {}),
        ...opts.headers,
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: "", upgraded: true });
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, upgraded: false }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("development mode (no auth): only loopback names", () => {
  let gw: TestGateway;
  let port: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    port = new URL(gw.url).port;
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("refuses a request whose Host is another name (a rebound DNS name), with 403 and why", async () => {
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, "0.0.0.0", `192.168.1.10:${port}`]) {
      const res = await send(gw, "/readyz", host);
      expect(res.status, host).toBe(403);
      const body = JSON.parse(res.body) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe("FORBIDDEN");
      expect(body.errors[0]?.message).toContain(`Host "${host}" is not a loopback name`);
      expect(body.errors[0]?.message).toMatch(/DNS rebinding/);
    }
    // The API itself, not only the probes.
    const api = await send(gw, "/v1/resolve/support-triage?env=production", `evil.example:${port}`);
    expect(api.status).toBe(403);
  });

  it("answers localhost, 127.0.0.1 and [::1], with or without the port", async () => {
    for (const host of [`localhost:${port}`, "localhost", `127.0.0.1:${port}`, `[::1]:${port}`, "[::1]", `LOCALHOST:${port}`]) {
      const res = await send(gw, "/readyz", host);
      expect(res.status, host).toBe(200);
    }
  });

  it("refuses a WebSocket upgrade with another Host, and accepts one with a loopback Host", async () => {
    const refused = await send(gw, "/graphql", `evil.example:${port}`, { upgrade: true });
    expect(refused.upgraded).toBe(false);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("is not a loopback name");
    const accepted = await send(gw, "/graphql", `127.0.0.1:${port}`, { upgrade: true });
    expect(accepted).toMatchObject({ upgraded: true, status: 101 });
  });
});

describe("with auth configured", () => {
  const TOKEN = "exposure-viewer-token-0123";
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { auth: { tokens: [{ subject: "v", sha256: sha256Hex(TOKEN), roles: ["viewer"] }] } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("serves any Host name (a gateway behind a load balancer), since every call needs a token", async () => {
    const res = await send(gw, "/v1/resolve/support-triage?env=production", "modelgate.example.com", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it("answers a malformed % escape in the path with 400 and a JSON error, not 500", async () => {
    for (const path of ["/v1/resolve/%E0%A4%A", "/v1/resolve/%", "/v1/resolve/abc%zz", "/readyz%C0"]) {
      const res = await send(gw, path, "modelgate.example.com", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body), path).toEqual({
        error: { code: "BAD_REQUEST", message: `the path is not valid percent-encoding (each % must start a %XX escape of UTF-8 bytes): ${path}` },
      });
    }
    // A well-formed escape still resolves.
    const ok = await send(gw, "/v1/resolve/example%2Fsupport-triage?env=production", "modelgate.example.com", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });
});

describe("server.bodyLimitBytes", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { server: { bodyLimitBytes: 4_096 } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("answers a larger request body with 413 and reads no further", async () => {
    const query = `{ environments { name } } # ${"x".repeat(8_000)}`;
    const res = await fetch(gw.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/4096 bytes/);
    // Within the limit, the same request runs.
    expect((await gw.gql("{ environments { name } }")).status).toBe(200);
  });

  it("closes a WebSocket whose message is larger with 1009 (message too big)", async () => {
    const ws = new WebSocket(gw.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws");
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(8_000) } }));
    expect(await closed).toBe(1009);
  });
});
