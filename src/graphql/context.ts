import type { GraphQLError } from "graphql";
import type { Actor, CallContext } from "../core/index.js";
import type { ModelgateConfig } from "../config/schema.js";
import type { Catalog } from "../gateway/catalog.js";
import type { EntryResolver } from "../gateway/resolve-entry.js";
import type { Store } from "../store/store.js";
import type { DeploymentPromotions } from "../workflow/deployment-promotion.js";
import type { DeploymentResolver } from "../workflow/deployment-resolve.js";
import type { DeploymentState } from "../workflow/deployment-state.js";
import type { DeploymentService } from "../workflow/deployments.js";
import type { DriftChecker } from "../workflow/drift.js";
import type { PromotionService } from "../workflow/promotion-service.js";
import type { RegistryWrites } from "../workflow/registry-writes.js";
import type { Loaders } from "./loaders.js";

export interface GraphQLLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Long-lived services the resolvers use; one set per gateway process. */
export interface GatewayServices {
  config: ModelgateConfig;
  catalog: Catalog;
  resolver: EntryResolver;
  writes: RegistryWrites;
  store: Store;
  /** The promotion workflow (requests, gates, approvals, rollback). */
  promotions: PromotionService;
  /** Compares backends with the promotion trail (drift detection). */
  drift: DriftChecker;
  /** Deployments: bundles of model versions per environment, as immutable revisions. */
  deployments: DeploymentService;
  /** Deployment revisions entering environments (through the promotion gates) and rollback. */
  deploymentPromotions: DeploymentPromotions;
  /** Revision status, health and what runs in an environment. */
  deploymentState: DeploymentState;
  /** resolve() of deployments. */
  deploymentResolver: DeploymentResolver;
}

/** Per-request context. */
export interface GatewayContext {
  requestId: string;
  actor: Actor;
  logger: GraphQLLogger;
  /** Deadline and cancellation of this request, handed to every adapter call. */
  call: CallContext;
  services: GatewayServices;
  loaders: Loaders;
  /**
   * Errors of backends that failed while others answered: appended to the response's `errors`
   * (with `extensions.backend`) next to the partial data.
   */
  partialErrors: GraphQLError[];
}
