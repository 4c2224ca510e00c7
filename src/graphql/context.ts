import type { GraphQLError } from "graphql";
import type { Actor, CallContext, Logger } from "../core/index.js";
import type { GatewayServices } from "../app/services.js";
import type { RequestTelemetry } from "../observability/request-telemetry.js";
import type { Loaders } from "./loaders.js";

/** Per-request context. */
export interface GatewayContext {
  requestId: string;
  actor: Actor;
  logger: Logger;
  /** Deadline and cancellation of this request, handed to every adapter call. */
  call: CallContext;
  services: GatewayServices;
  loaders: Loaders;
  /**
   * Errors of backends that failed while others answered: appended to the response's `errors`
   * (with `extensions.backend`) next to the partial data.
   */
  partialErrors: GraphQLError[];
  /** The request's metrics labels and span (src/observability); absent when metrics and tracing are off. */
  telemetry?: RequestTelemetry;
}
