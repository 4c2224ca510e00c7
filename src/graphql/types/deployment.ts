import { Field, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "./connection.js";
import { UserError } from "./common.js";
import { ModelVersionType } from "./model-version.js";
import { Node } from "./node.js";
import { DateTime } from "./scalars.js";
import { RolloutPlanInput } from "./rollout-inputs.js";

export const DeploymentRevisionStatusEnum = { DRAFT: "DRAFT", PENDING: "PENDING", ACTIVE: "ACTIVE", SUPERSEDED: "SUPERSEDED" } as const;
registerEnumType(DeploymentRevisionStatusEnum, {
  name: "DeploymentRevisionStatus",
  description: "DRAFT: recorded only. PENDING: a request to run it is open. ACTIVE: the environment runs it. SUPERSEDED: it ran; another runs now.",
});

@ObjectType("DeploymentComponent", { description: "One model version of a revision's bundle." })
export class DeploymentComponentType {
  @Field(() => String, { description: 'What it does in the application, e.g. "retriever", "ranker".' })
  role!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => Int, { description: "Percent of the role's live traffic (non-shadow components of a role sum to 100)." })
  weight!: number;

  @Field(() => Boolean, { description: "Gets mirrored traffic only." })
  shadow!: boolean;

  @Field(() => Boolean, { description: "Takes live traffic when the revision runs: not shadow and a weight above 0. A shadow component never serves." })
  serving!: boolean;

  @Field(() => ModelVersionType, { nullable: true, description: "The version in its backend; null when it no longer exists there." })
  modelVersion?: unknown;
}

@ObjectType("DeploymentRevision", { implements: Node, description: "An immutable bundle of a deployment." })
export class DeploymentRevisionType extends Node {
  @Field(() => Int, { description: "1, 2, 3 ... per deployment." })
  number!: number;

  @Field(() => DeploymentRevisionStatusEnum)
  status!: string;

  @Field(() => String, {
    description: "SHA-256 hex of the RFC 8785 canonical JSON of the sorted components: equal bundles have equal hashes.",
  })
  contentHash!: string;

  @Field(() => [DeploymentComponentType], { description: "Sorted by role, backend, model, version." })
  components!: DeploymentComponentType[];

  @Field(() => String)
  createdBy!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DeploymentType)
  deployment!: unknown;
}

@ObjectType("Deployment", { implements: Node, description: "What an application runs: a named bundle of model versions per environment." })
export class DeploymentType extends Node {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String)
  createdBy!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DeploymentRevisionType, { nullable: true, description: "The newest revision (whatever its status)." })
  latestRevision?: unknown;

  @Field(() => [DeploymentRevisionType], { description: "Revisions, newest first." })
  revisions!: unknown[];
}

export const DeploymentConnection = connectionTypes("Deployment", () => DeploymentType).Connection;
export type DeploymentConnection = InstanceType<typeof DeploymentConnection>;

@InputType()
export class DeploymentComponentInput {
  @Field(() => String, { description: "Lower-case id: ^[a-z][a-z0-9_-]{0,62}$." })
  role!: string;

  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  version!: string;

  @Field(() => Int, { description: "0 to 100; the non-shadow components of a role sum to 100." })
  weight!: number;

  @Field(() => Boolean, { defaultValue: false, description: "Mirrored traffic only; not counted in the role's weights." })
  shadow!: boolean;
}

@InputType()
export class DeploymentRevisionCreateInput {
  @Field(() => String, { description: "Deployment name, a lower-case id: ^[a-z][a-z0-9_.-]{0,127}$." })
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => [DeploymentComponentInput])
  components!: DeploymentComponentInput[];

  @Field(() => String)
  reason!: string;

  @Field(() => RolloutPlanInput, {
    nullable: true,
    description: "A guarded rollout: entering over a running revision, this one takes traffic step by step on canary evidence (docs/lifecycle.md#guarded-rollouts).",
  })
  rollout?: RolloutPlanInput | null;
}

@ObjectType()
export class DeploymentRevisionCreatePayload {
  @Field(() => DeploymentType, { nullable: true })
  deployment?: unknown;

  @Field(() => DeploymentRevisionType, { nullable: true })
  revision?: unknown;

  @Field(() => Boolean, {
    description: "True when the components equalled the latest revision's: nothing was recorded and that revision is returned.",
  })
  unchanged!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
