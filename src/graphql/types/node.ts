import { Field, ID, InterfaceType } from "type-graphql";

/** Which GraphQL type a resolved root object is (the roots are domain objects, not class instances). */
export function nodeTypeOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if ("seq" in value && "hash" in value) return "AuditEvent";
  if ("contentHash" in value && "deploymentId" in value) return "DeploymentRevision";
  if ("environment" in value && "createdBy" in value && "name" in value && !("backendId" in value)) return "Deployment";
  // Before ModelVersion and Backend: a request also has modelName, version, kind and backendId.
  if ("toStage" in value && "requestedBy" in value) return "PromotionRequest";
  if ("modelName" in value && "version" in value) return "ModelVersion";
  if ("aliases" in value && "name" in value && "backendId" in value) return "RegisteredModel";
  if ("kind" in value && "backendId" in value) return "Backend";
  return undefined;
}

@InterfaceType("Node", {
  description: "An object with an opaque global id, refetchable with `node(id:)`.",
  resolveType: (value: unknown) => nodeTypeOf(value),
})
export abstract class Node {
  @Field(() => ID)
  id!: string;
}
