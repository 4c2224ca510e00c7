export * from "./schema.js";
export { ConfigError } from "./config-error.js";
export { DEFAULT_CONFIG_FILE, loadConfig, type LoadConfigOptions } from "./load-config.js";
export { CONFIG_PATH_VAR, ENV_OVERRIDES } from "./env.js";
