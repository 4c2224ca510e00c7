/**
 * modelgate/client: a dependency-free client for a modelgate gateway (GraphQL and GET /v1/resolve).
 *
 *   import { ModelgateClient } from "modelgate/client";
 *   const client = new ModelgateClient({ url: "http://127.0.0.1:4000" });
 *   const { entry } = await client.resolve("support-triage", "production");
 */
export {
  DEFAULT_TIMEOUT_MS,
  ModelgateClient,
  type GraphQLResult,
  type ModelgateClientOptions,
  type ModelsOptions,
  type ResolveOptions,
  type VersionsOptions,
} from "./client.js";
export {
  CLIENT_ERROR_CODES,
  ModelgateError,
  ModelgateUserError,
  formatUserError,
  isModelgateError,
  isModelgateUserError,
  type ClientErrorCode,
  type GraphQLErrorEntry,
  type ModelgateErrorDetails,
  type UserError,
} from "./errors.js";
export type { FetchLike } from "./transport.js";
export type * from "./types.js";
