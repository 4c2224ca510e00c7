/**
 * A loopback HTTP proxy that holds every request `delayMs` before forwarding it to a peer (MLflow,
 * moto), and counts requests: a far-away backend, per backend call (a round trip), whatever an
 * adapter call makes of it. Bodies are streamed both ways; the delay can be switched off.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface DelayProxy {
  url: string;
  delayMs: number;
  /** Requests forwarded since the last reset, by a label the caller's `classify` gives (default: path). */
  readonly counts: Map<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startDelayProxy(
  target: string,
  delayMs: number,
  classify: (req: http.IncomingMessage) => string = (req) => new URL(req.url ?? "/", "http://proxy").pathname,
): Promise<DelayProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const label = classify(req);
    counts.set(label, (counts.get(label) ?? 0) + 1);
    req.pause();
    const forward = () => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", (err) => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`delay proxy could not reach ${target}: ${err.message}`);
      });
      req.pipe(out);
      req.resume();
    };
    if (proxy.delayMs > 0) setTimeout(forward, proxy.delayMs);
    else forward();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: DelayProxy = {
    url: `http://127.0.0.1:${port}`,
    delayMs,
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
