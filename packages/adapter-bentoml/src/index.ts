/**
 * @modelgate/adapter-bentoml: BentoML's model store as a modelgate backend.
 *
 *   backends:
 *     - id: bento
 *       kind: "npm:@modelgate/adapter-bentoml"
 *       home: /srv/bentoml            # BENTOML_HOME (default: $BENTOML_HOME, else ~/bentoml)
 *
 * The gateway imports this package and uses its `adapterFactory` (also the default export).
 */
import { realpath } from "node:fs/promises";
import { defineAdapter } from "modelgate/core";
import { BentomlAdapter } from "./adapter.js";
import { bentomlConfigSchema, resolveConfigPath, resolveHome, type BentomlConfig } from "./config.js";

export const adapterFactory = defineAdapter<BentomlConfig>({
  kind: "bentoml",
  description: "BentoML's local model store ($BENTOML_HOME/models): labels, metadata, the latest pointer",
  configSchema: bentomlConfigSchema,
  async create(id, config, ctx) {
    const home = resolveHome(config, ctx.configDir);
    const importRoots: string[] = [];
    for (const dir of config.importFrom) {
      const path = resolveConfigPath(dir, ctx.configDir);
      importRoots.push(
        await realpath(path).catch(() => {
          throw new Error(`importFrom: ${path} does not exist`);
        }),
      );
    }
    const adapter = new BentomlAdapter(id, { home, readOnly: config.readOnly, importRoots, logger: ctx.logger });
    await adapter.start();
    return adapter;
  },
});

export default adapterFactory;
export { BentomlAdapter, type BentomlAdapterOptions } from "./adapter.js";
export { bentomlConfigSchema, type BentomlConfig } from "./config.js";
