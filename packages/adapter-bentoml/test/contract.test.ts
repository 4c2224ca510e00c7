/**
 * The shared adapter contract suite (test/contract/registry-adapter.contract.ts), unchanged, against
 * this package's adapter on a fresh BentoML home in a temp dir, created through the package's own
 * factory as the gateway does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeAdapterContract } from "../../../test/contract/registry-adapter.contract.js";
import { adapterFactory } from "../src/index.js";

describeAdapterContract("bentoml (npm:@modelgate/adapter-bentoml)", async () => {
  const home = await mkdtemp(join(tmpdir(), "modelgate-contract-bentoml-"));
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const adapter = await adapterFactory.create("contract-bentoml", adapterFactory.configSchema.parse({ home }), {
    logger: silent,
    dataDir: join(home, ".data"),
    configDir: home,
  });
  return { adapter, dispose: () => rm(home, { recursive: true, force: true }) };
});
