export * from "./adapter.js";
export * from "./call-context.js";
export * from "./canonical-json.js";
export * from "./concurrency.js";
export * from "./errors.js";
export * from "./generation-config.js";
export * from "./model.js";
export * from "./stage.js";
