/**
 * A gateway process stopped dead in the middle of a registration: run by crash.test.ts with
 * `node --import tsx`, it registers a version and, once the version is fully staged but not yet
 * renamed into the store, prints "staged" and waits to be killed (SIGKILL: no cleanup runs).
 *
 *   crash-writer.ts <BENTOML_HOME> <model> <import dir>
 */
import { createCallContext } from "../../src/core/index.js";
import { BentomlAdapter } from "../../packages/adapter-bentoml/src/adapter.js";

const [home, model, importDir] = process.argv.slice(2) as [string, string, string];
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const adapter = new BentomlAdapter("crash", {
  home,
  readOnly: false,
  importRoots: [importDir],
  logger: silent,
  writer: {
    onStep: async (step) => {
      if (step !== "staged") return;
      console.log("staged");
      setInterval(() => undefined, 1_000); // keep the process alive until it is killed
      await new Promise(() => undefined);
    },
  },
});
await adapter.start();
await adapter.registerVersion({ modelName: model, artifactUri: importDir }, createCallContext({ timeoutMs: 600_000, actor: { id: "crash", roles: [] } }));
console.log("registered (the test expected a kill before this)");
