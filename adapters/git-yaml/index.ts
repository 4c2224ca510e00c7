/** The git-YAML registry adapter: built-in kind "git-yaml". */
import { createCallContext, defineAdapter, systemActor, type AdapterFactory } from "../../src/core/index.js";
import { GIT_YAML_KIND, GitYamlAdapter } from "./adapter.js";
import { gitYamlConfigSchema, type GitYamlConfig } from "./config.js";
import { openRepository } from "./repository.js";

/** Time allowed for opening (and seeding) the repository at startup. */
const OPEN_TIMEOUT_MS = 60_000;

export const gitYamlAdapter: AdapterFactory<GitYamlConfig> = defineAdapter<GitYamlConfig>({
  kind: GIT_YAML_KIND,
  description: "A directory of YAML model files in a git repository; git history is the audit log and enables asOf reads",
  configSchema: gitYamlConfigSchema,
  async create(id, config, ctx) {
    const callCtx = createCallContext({ timeoutMs: OPEN_TIMEOUT_MS, actor: systemActor("startup", "modelgate startup") });
    const repo = await openRepository(id, config, ctx.configDir, ctx.logger, callCtx);
    return new GitYamlAdapter(id, repo, { readOnly: config.readOnly, logger: ctx.logger, refCheckMs: config.refCheckMs });
  },
});

export default gitYamlAdapter;
export { GitYamlAdapter, GIT_YAML_KIND } from "./adapter.js";
export { gitYamlConfigSchema, type GitYamlConfig } from "./config.js";
export type { RegistryProblem } from "./problems.js";
export { STAGE_TO_STATUS, STATUS_TO_STAGE } from "./to-domain.js";
