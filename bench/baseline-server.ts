/**
 * The bench's baseline: a bare node:http server answering every request with one fixed JSON body
 * (a captured resolve entry) and its ETag, so the gateway is compared with the cost of HTTP + JSON
 * alone. Prints "listening <port>" on stdout once ready.
 *
 *   node --import tsx bench/baseline-server.ts <body.json>
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: baseline-server.ts <body.json>\n");
  process.exit(2);
}
const body = readFileSync(file);
const etag = `"${String(JSON.parse(body.toString("utf8")).etag ?? "baseline").replace(/"/g, "")}"`;

const server = createServer((req, res) => {
  // Drain any request body so keep-alive connections stay usable.
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": body.length,
      ETag: etag,
      "Cache-Control": "no-cache",
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
