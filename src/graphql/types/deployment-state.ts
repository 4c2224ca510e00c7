/** GraphQL types of deployments entering environments: status, health, activations, what runs, promote/rollback payloads. */
import { Field, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { BackendFailure, UserError } from "./common.js";
import { DeploymentComponentType, DeploymentRevisionType, DeploymentType } from "./deployment.js";
import { DriftFlagType } from "./drift.js";
import { ModelVersionType } from "./model-version.js";
import { PromotionRequestType } from "./promotion.js";
import { DateTime } from "./scalars.js";

export const DeploymentHealthStatusEnum = { HEALTHY: "HEALTHY", DEGRADED: "DEGRADED", UNKNOWN: "UNKNOWN", INACTIVE: "INACTIVE" } as const;
registerEnumType(DeploymentHealthStatusEnum, {
  name: "DeploymentHealthStatus",
  description:
    "HEALTHY: every component of the current revision is where the environment needs it. DEGRADED: a component is gone, out of an accepted stage, drifted, or in a stage the promotion trail never approved it into (see problems). UNKNOWN: a backend could not be read. INACTIVE: no revision runs.",
});

export const DeploymentProblemCodeEnum = {
  GONE: "GONE",
  STAGE_NOT_ACCEPTED: "STAGE_NOT_ACCEPTED",
  DRIFTED: "DRIFTED",
  UNAPPROVED_IN_STAGE: "UNAPPROVED_IN_STAGE",
  UNREACHABLE: "UNREACHABLE",
} as const;
registerEnumType(DeploymentProblemCodeEnum, {
  name: "DeploymentProblemCode",
  valuesConfig: {
    GONE: { description: "The version no longer exists in its backend." },
    STAGE_NOT_ACCEPTED: { description: "The version is in a stage the environment does not take." },
    DRIFTED: { description: "The version is not in the stage the promotion trail put it in (changed outside modelgate)." },
    UNAPPROVED_IN_STAGE: {
      description: "The version is in a governed stage that neither its promotions nor this deployment's activation approved it into (put there outside modelgate).",
    },
    UNREACHABLE: { description: "Its backend could not be read." },
  },
});

@ObjectType("DeploymentProblem", { description: "Why a component makes its deployment degraded." })
export class DeploymentProblemType {
  @Field(() => DeploymentProblemCodeEnum)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => DeploymentComponentType)
  component!: unknown;
}

@ObjectType("DeploymentHealth")
export class DeploymentHealthType {
  @Field(() => DeploymentHealthStatusEnum)
  status!: string;

  @Field(() => DeploymentRevisionType, { nullable: true, description: "The revision checked (the current one)." })
  revision?: unknown;

  @Field(() => [DeploymentProblemType])
  problems!: DeploymentProblemType[];
}

@ObjectType("ApprovalSummary", { description: "Who approved a change and when (a rollback is approved by the approver who asked for it)." })
export class ApprovalSummaryType {
  @Field(() => PromotionRequestType)
  request!: unknown;

  @Field(() => [String])
  approvedBy!: string[];

  @Field(() => DateTime, { nullable: true })
  approvedAt?: Date | null;

  @Field(() => String)
  requestedBy!: string;
}

@ObjectType("DeploymentActivation", { description: "A period during which the environment ran a revision." })
export class DeploymentActivationType {
  @Field(() => DeploymentRevisionType)
  revision!: unknown;

  @Field(() => DateTime)
  activatedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: "null while it runs." })
  deactivatedAt?: Date | null;

  @Field(() => PromotionRequestType, { nullable: true, description: "The promotion or rollback that activated it." })
  request?: unknown;
}

@ObjectType("RunningDeployment")
export class RunningDeploymentType {
  @Field(() => DeploymentType)
  deployment!: unknown;

  @Field(() => DeploymentRevisionType)
  revision!: unknown;

  @Field(() => DateTime)
  activatedAt!: Date;

  @Field(() => ApprovalSummaryType, { nullable: true })
  approval?: unknown;
}

@ObjectType("DeploymentUse", { description: "A running deployment that bundles a version." })
export class DeploymentUseType {
  @Field(() => String)
  deployment!: string;

  @Field(() => String)
  role!: string;

  @Field(() => Int)
  weight!: number;

  @Field(() => Boolean)
  shadow!: boolean;
}

@ObjectType("RunningVersion", { description: "A model version in the environment's stage." })
export class RunningVersionType {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => ModelVersionType, { nullable: true, description: "As its backend reports it now; null for asOf answers (read from the trail)." })
  modelVersion?: unknown;

  @Field(() => DateTime, { nullable: true, description: "Since when the trail has it there; null when it was put there outside the gateway." })
  since?: Date | null;

  @Field(() => ApprovalSummaryType, { nullable: true, description: "null when the gateway did not put it there." })
  approval?: unknown;

  @Field(() => [DeploymentUseType], { description: "Running deployments that bundle it." })
  usedBy!: DeploymentUseType[];

  @Field(() => Boolean, { description: "In no running deployment." })
  standalone!: boolean;

  @Field(() => DriftFlagType, {
    nullable: true,
    description:
      "Set when the promotion trail never approved the version into the environment's stage (UNAPPROVED_IN_STAGE: put there outside modelgate) or says another stage (OUT_OF_BAND_CHANGE), judged now; null when in line, and for asOf answers (read from the trail).",
  })
  drift?: unknown;
}

@ObjectType("ProductionState", { description: "What runs in an environment, across every backend." })
export class ProductionStateType {
  @Field(() => String)
  environment!: string;

  @Field(() => DateTime, { nullable: true })
  asOf?: Date | null;

  @Field(() => [RunningDeploymentType], { description: "Deployments with a running revision, by name." })
  deployments!: unknown[];

  @Field(() => [RunningVersionType], {
    description: "Versions in the environment's stage: live from the backends now, from the trail for asOf.",
  })
  versions!: unknown[];

  @Field(() => [BackendFailure], { description: "Backends that could not be listed: their versions are missing." })
  failedBackends!: BackendFailure[];
}

@InputType()
export class DeploymentPromoteInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Int, { description: "The revision number to put in the environment." })
  revision!: number;

  @Field(() => String)
  reason!: string;

  @Field(() => String, { nullable: true, description: "Replaying a key returns the first request (replayed: true)." })
  idempotencyKey?: string;
}

@InputType()
export class DeploymentRollbackInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Int, { nullable: true, description: "The revision to go back to; default: the one that ran before the current one." })
  revision?: number;

  @Field(() => String)
  reason!: string;
}

@ObjectType()
export class DeploymentPromotionPayload {
  @Field(() => DeploymentType, { nullable: true })
  deployment?: unknown;

  @Field(() => PromotionRequestType, { nullable: true, description: "The request covering the bundle; follow it to APPLIED." })
  promotionRequest?: unknown;

  @Field(() => Boolean)
  replayed!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
