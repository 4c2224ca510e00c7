import "reflect-metadata";
import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema, type GraphQLTypeResolver } from "graphql";
import { buildSchema } from "type-graphql";
import { AuditResolver } from "./resolvers/audit.resolver.js";
import { AuditEventResolver } from "./resolvers/audit-event.resolver.js";
import { BackendResolver } from "./resolvers/backend.resolver.js";
import {
  DeploymentComponentResolver,
  DeploymentMutations,
  DeploymentQueries,
  DeploymentResolver,
  DeploymentRevisionResolver,
} from "./resolvers/deployment.resolver.js";
import { DriftMutations, DriftQueries, ModelVersionDriftResolver } from "./resolvers/drift.resolver.js";
import { RegisteredModelResolver } from "./resolvers/model.resolver.js";
import { ModelVersionResolver } from "./resolvers/model-version.resolver.js";
import { ModelVersionDetailsResolver } from "./resolvers/model-version-details.resolver.js";
import { ViewerQuery } from "./resolvers/viewer.resolver.js";
import { ProductionEntryResolver, PromotionRequestResolver } from "./resolvers/promotion-request.resolver.js";
import { PromotionMutations } from "./resolvers/promotion.mutations.js";
import { PromotionRequestCopyField, VersionCopyMutations } from "./resolvers/version-copy.resolver.js";
import { PromotionQueries } from "./resolvers/promotion.queries.js";
import { ModelVersionProvenanceResolver, ProvenanceMutations, ProvenanceQueries } from "./resolvers/provenance.resolver.js";
import { QueryResolver } from "./resolvers/query.resolver.js";
import { ModelVersionShadowResolver, PromotionRequestAliasField, ShadowAliasMutations } from "./resolvers/shadow-alias.resolver.js";
import { CanaryResultMetricsField, DeploymentRolloutField, RolloutEvidenceField, RolloutMutations } from "./resolvers/rollout.resolver.js";
import { NO_TOPICS_PUB_SUB, RegistryEventResolver } from "./resolvers/registry-event.resolver.js";
import { RegistryMutations } from "./resolvers/registry.mutations.js";
import { IdleAlertResolver, ModelOwnerResolver, ModelVersionUsageResolver, RunningVersionIdleResolver, UsageMutations, UsageQueries, VersionUsageResolver } from "./resolvers/usage.resolver.js";
import { WebhookDeliveryResolver, WebhookMutations, WebhookQueries, WebhookTargetResolver } from "./resolvers/webhook.resolver.js";
import { AuditEventType } from "./types/audit-event.js";
import { BackendType } from "./types/backend.js";
import { DeploymentRevisionType, DeploymentType } from "./types/deployment.js";
import { ResolvedDeployment, ResolvedEntry, resolutionTypeOf } from "./types/resolved-entry.js";
import { nodeTypeOf } from "./types/node.js";
import {
  ApprovalSummaryResolver,
  DeploymentActivationResolver,
  DeploymentPromotionMutations,
  DeploymentRevisionStateFields,
  DeploymentStateFields,
 
  PromotionRequestDeploymentField,
  RunningDeploymentResolver,
  RunningVersionResolver,
  WhatRunsQuery,
} from "./resolvers/deployment-state.resolver.js";
import { RegisteredModelType } from "./types/model.js";
import { LifecyclePlanResolver } from "./resolvers/lifecycle-plan.resolver.js";
import { ModelVersionType } from "./types/model-version.js";
import { PromotionRequestType } from "./types/promotion.js";

let built: Promise<GraphQLSchema> | undefined;

/** The gateway's schema (built once per process: type-graphql metadata is global). */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [QueryResolver, RegistryMutations, BackendResolver, RegisteredModelResolver, ModelVersionResolver, AuditEventResolver, AuditResolver, PromotionQueries, PromotionMutations, PromotionRequestResolver, ProductionEntryResolver, DriftQueries, DriftMutations, ModelVersionDriftResolver, DeploymentQueries, DeploymentMutations, DeploymentResolver, DeploymentRevisionResolver, DeploymentComponentResolver, DeploymentPromotionMutations, WhatRunsQuery, RunningDeploymentResolver, RunningVersionResolver, ApprovalSummaryResolver, DeploymentStateFields, DeploymentActivationResolver, DeploymentRevisionStateFields, PromotionRequestDeploymentField, RegistryEventResolver, WebhookQueries, WebhookMutations, WebhookTargetResolver, WebhookDeliveryResolver, ViewerQuery, ModelVersionDetailsResolver, ModelVersionProvenanceResolver, ProvenanceQueries, ProvenanceMutations, LifecyclePlanResolver, ShadowAliasMutations, ModelVersionShadowResolver, PromotionRequestAliasField, ModelVersionUsageResolver, VersionUsageResolver, ModelOwnerResolver, IdleAlertResolver, RunningVersionIdleResolver, UsageQueries, UsageMutations, DeploymentRolloutField, RolloutEvidenceField, CanaryResultMetricsField, RolloutMutations, VersionCopyMutations, PromotionRequestCopyField],
    orphanedTypes: [ResolvedEntry, ResolvedDeployment, BackendType, RegisteredModelType, ModelVersionType, AuditEventType, PromotionRequestType, DeploymentType, DeploymentRevisionType],
    validate: false,
    emitSchemaFile: false,
    // Subscriptions bring their own subscribe (src/events/event-feed.ts); type-graphql still wants a PubSub.
    pubSub: NO_TOPICS_PUB_SUB,
  }).then(synchronousTypeResolvers);
  return built;
}

/** The interfaces' and unions' own type resolvers, by name: each answers synchronously with a type name. */
const TYPE_RESOLVERS: Readonly<Record<string, GraphQLTypeResolver<unknown, unknown>>> = {
  Resolution: (value) => resolutionTypeOf(value as { kind?: string }),
  Node: (value) => nodeTypeOf(value),
};

/**
 * type-graphql wraps every resolveType in an async function; graphql-jit (./jit-executor.ts) does
 * not await a type resolver's promise, and graphql-js need not. Put the synchronous functions the
 * types declare back in place (the same answers, no promise per abstract field).
 */
function synchronousTypeResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith("__")) continue;
    const own = TYPE_RESOLVERS[type.name];
    if (own === undefined) throw new Error(`${type.name} (an interface or union) has no synchronous type resolver in src/graphql/schema.ts TYPE_RESOLVERS`);
    type.resolveType = own;
  }
  return schema;
}

/** The SDL committed as schema/schema.graphql (sorted, so it only changes when the API does). */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
