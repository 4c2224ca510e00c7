/**
 * `import … from "modelgate"`: the gateway as a library, for running it inside another Node
 * process (your own adapters without publishing a package, your own process manager or signals).
 * It is what `modelgate serve` does:
 *
 *   import { createGateway, createLogger, loadConfig, startServer } from "modelgate";
 *   const loaded = await loadConfig({ path: "modelgate.yaml" });
 *   const gateway = await createGateway(loaded, { logger: createLogger(loaded.config.logLevel) });
 *   const server = await startServer(gateway);   // server.url; await server.close() to stop
 *
 * Adapter authors import "modelgate/core" (defineAdapter, the domain types and errors);
 * applications that call a running gateway import "modelgate/client".
 */
export { BUILT_IN_ADAPTERS, type FactoryMap } from "./app/adapter-registry.js";
export { createGateway, type CreateGatewayOptions, type Gateway } from "./app/gateway.js";
export { ConfigError, loadConfig, type LoadConfigOptions } from "./config/load-config.js";
export { configSchema, type LoadedConfig, type ModelgateConfig } from "./config/schema.js";
export { startServer, type RunningServer, type ServeOptions } from "./http/server.js";
export { createLogger, type Logger } from "./logging.js";
