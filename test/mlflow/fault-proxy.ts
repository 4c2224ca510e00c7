/**
 * A loopback HTTP proxy in front of a real MLflow server, for faults a healthy peer never produces on
 * demand: the answer of a write lost after MLflow applied it (connection reset), a 5xx before MLflow
 * saw the request, or a canned answer (401, 403, a proxy's HTML page). Every request is recorded
 * with its headers, so tests can also check what the adapter sent.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  /** Forward to MLflow, let it apply the request, then reset the client's connection instead of answering. */
  | { kind: "drop-answer" }
  /** Reset the connection without forwarding. */
  | { kind: "reset" }
  /** Never answer (until the proxy closes). */
  | { kind: "hang" }
  /** Answer this without forwarding. */
  | { kind: "answer"; status: number; body: unknown; contentType?: string };

export interface FaultRule {
  method?: string;
  /** Matched against the path below /api/2.0/mlflow/ (or "/health"). */
  path: string | RegExp;
  fault: Fault;
  /** How many matching requests get the fault (default: every one). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The decoded query string (GET parameters). */
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  fault?: Fault["kind"];
}

export interface FaultProxy {
  url: string;
  requests: RecordedRequest[];
  rules: FaultRule[];
  close(): Promise<void>;
}

const API = "/api/2.0/mlflow/";

/** `target` undefined: nothing is forwarded; requests no rule matches get a 404 MLflow error. */
export async function startFaultProxy(target: string | undefined, rules: FaultRule[] = []): Promise<FaultProxy> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://proxy");
      const path = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : url.pathname;
      const rule = proxy.rules.find(
        (r) =>
          (r.method === undefined || r.method === req.method) &&
          (typeof r.path === "string" ? r.path === path : r.path.test(path)) &&
          (r.times === undefined || r.times > 0),
      );
      if (rule && rule.times !== undefined) rule.times--;
      requests.push({ method: req.method ?? "", path, query: decodeURIComponent(url.search.replace(/\+/g, " ")), headers: req.headers, body, ...(rule ? { fault: rule.fault.kind } : {}) });
      const fault = rule?.fault;
      if (fault?.kind === "reset") {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "hang") return;
      if (fault?.kind === "answer") {
        const text = typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body);
        res.writeHead(fault.status, { "content-type": fault.contentType ?? "application/json" });
        res.end(text);
        return;
      }
      if (target === undefined) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error_code: "ENDPOINT_NOT_FOUND", message: `no rule for ${req.method} ${path}` }));
        return;
      }
      forward(target, req, body).then(
        (answer) => {
          if (fault?.kind === "drop-answer") {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.status, { "content-type": answer.contentType });
          res.end(answer.body);
        },
        (err: Error) => {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(`proxy could not reach MLflow: ${err.message}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    requests,
    rules,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

async function forward(target: string, req: http.IncomingMessage, body: string): Promise<{ status: number; body: string; contentType: string }> {
  const res = await fetch(`${target}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers: { "content-type": req.headers["content-type"] ?? "application/json" },
    ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
  });
  return { status: res.status, body: await res.text(), contentType: res.headers.get("content-type") ?? "application/json" };
}
