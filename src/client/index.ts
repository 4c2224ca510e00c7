/**
 * modelgate/client: a dependency-free client for a modelgate gateway (GraphQL and GET /v1/resolve).
 *
 *   import { ModelgateClient } from "modelgate/client";
 *   const client = new ModelgateClient({ url: "http://127.0.0.1:4000" });
 *   const { entry, stale } = await client.resolve("support-bot", "production");
 *   if (entry.kind === "deployment") ... else ...   // a deployment's bundle, or a model's version
 */
export {
  DEFAULT_TIMEOUT_MS,
  ModelgateClient,
  type DeploymentsOptions,
  type GraphQLResult,
  type ModelgateClientOptions,
  type ModelsOptions,
  type ResolveOptions,
  type VersionsOptions,
  type WhatRunsOptions,
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
export type { TypedDocument } from "./typed-document.js";
export type * from "./types.js";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  WEBHOOK_HEADERS,
  verifyWebhookSignature,
  webhookSignature,
  type VerifyWebhookInput,
  type VerifyWebhookResult,
} from "./webhook-signature.js";
