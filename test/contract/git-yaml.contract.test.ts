import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gitYamlAdapter } from "../../adapters/git-yaml/index.js";
import { describeAdapterContract } from "./registry-adapter.contract.js";

const execFileAsync = promisify(execFile);

// As on a machine with no git identity or other global config.
process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
process.env["GIT_CONFIG_NOSYSTEM"] = "1";

describeAdapterContract("git-yaml", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "modelgate-contract-git-"));
  await execFileAsync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const adapter = await gitYamlAdapter.create(
    "contract-git",
    gitYamlAdapter.configSchema.parse({ repo: dir }),
    { logger: silent, dataDir: path.join(dir, ".modelgate"), configDir: dir },
  );
  return { adapter, dispose: () => rm(dir, { recursive: true, force: true }) };
}, { deleteVersion: true, copyMarker: true });
