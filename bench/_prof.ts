import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import autocannon from "autocannon";
import { startChild } from "/work/wt/hot-path/bench/processes.ts";
const root = "/work/wt/hot-path";
const dir = await mkdtemp(join(tmpdir(), "hp-"));
const TOKEN = "bench-token-0123456789abcdef";
await writeFile(join(dir, "m.yaml"), `logLevel: warn\nserver:\n  port: 0\n  mode: production\nauth:\n  tokens:\n    - subject: b\n      roles: [viewer]\n      sha256: ${createHash("sha256").update(TOKEN).digest("hex")}\ndataDir: ./data\nbackends:\n  - id: example\n    kind: git-yaml\n    repo: ${join(dir, "registry")}\n    seedFrom: ${join(root, "examples/registry")}\n`);
const { child, match } = await startChild("gw", ["--cpu-prof", "--cpu-prof-dir=/tmp/hp-prof", "--import", "tsx", "src/cli/main.ts", "serve", "--config", join(dir, "m.yaml")], { cwd: root, ready: /listening on (http:\/\/\S+)/, timeoutMs: 90000 });
const url = `${match[1]}${process.env.P ?? "/v1/resolve/example%2Fsupport-triage?env=production"}`;
const opts: any = { url, connections: 50, duration: 6, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } };
if (process.env.BODY) { opts.method = "POST"; opts.body = process.env.BODY; }
await new Promise((r) => autocannon({ ...opts, duration: 2 }, r));
const res: any = await new Promise((r) => autocannon(opts, (e: any, x: any) => r(x)));
console.log(res.requests.average, res.latency.p99, JSON.stringify(res.statusCodeStats));
await child.stop();
