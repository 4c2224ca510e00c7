/** The deprecation policy's plan and apply (docs/lifecycle.md#deprecation-policy). */
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { UserError } from "./common.js";
import { StageEnum } from "./enums.js";
import { PromotionRequestType } from "./promotion.js";
import { DateTime } from "./scalars.js";

export const LifecycleKeepReasonEnum = {
  NEWEST: "NEWEST",
  ENVIRONMENT: "ENVIRONMENT",
  DEPLOYMENT: "DEPLOYMENT",
  RECENT: "RECENT",
  OPEN_REQUEST: "OPEN_REQUEST",
  AGE_UNKNOWN: "AGE_UNKNOWN",
} as const;
registerEnumType(LifecycleKeepReasonEnum, {
  name: "LifecycleKeepReason",
  description:
    "Why the deprecation policy keeps a version past a model's newest N: an environment uses it (its stage, an alias named after it, or the trail), an active or pending deployment revision bundles it, it was created or used within archiveAfterDays, a request for it is open, or its creation time is unknown.",
});

export const LifecycleApplyOutcomeEnum = { REQUESTED: "REQUESTED", QUEUED: "QUEUED", SKIPPED: "SKIPPED", FAILED: "FAILED" } as const;
registerEnumType(LifecycleApplyOutcomeEnum, {
  name: "LifecycleApplyOutcome",
  description:
    "REQUESTED: an archive request waits for its gates (approvals). QUEUED: its gates passed and the outbox applies it. SKIPPED: another open request holds the version. FAILED: refused (message says why).",
});

@ObjectType({ description: "The newest deployment revision that bundled a version." })
export class LifecycleDeploymentUse {
  @Field(() => String)
  deployment!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Int)
  revision!: number;

  @Field(() => DateTime, { description: "When it was last in use: deactivated, activated or created." })
  at!: Date;
}

@ObjectType({ description: "A version the plan archives, and why." })
export class LifecycleCandidate {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => StageEnum, { description: "Its stage now." })
  stage!: string;

  @Field(() => String, { description: 'The rule that covers the model, e.g. "policies.deprecation.rules[0]".' })
  rule!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => Int)
  ageDays!: number;

  @Field(() => Int, { description: "1-based rank among the model's versions, newest first." })
  rank!: number;

  @Field(() => LifecycleDeploymentUse, { nullable: true, description: "null: no deployment revision ever bundled it." })
  lastDeploymentUse!: LifecycleDeploymentUse | null;

  @Field(() => String, { description: "The rule, its age and its last deployment use, in words." })
  reason!: string;
}

@ObjectType({ description: "A version past a model's newest N that the plan keeps, and why." })
export class LifecycleKept {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => StageEnum)
  stage!: string;

  @Field(() => LifecycleKeepReasonEnum)
  why!: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType({ description: "What the plan does to one model." })
export class LifecycleModelSummary {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  rule!: string;

  @Field(() => Int, { description: "Versions not ARCHIVED yet." })
  liveVersions!: number;

  @Field(() => Int)
  toArchive!: number;

  @Field(() => Float, { description: "toArchive / liveVersions." })
  share!: number;

  @Field(() => Float)
  maxArchiveShare!: number;

  @Field(() => Boolean)
  exceedsShare!: boolean;
}

@ObjectType({ description: "What the deprecation policy would archive now, and why (a dry run)." })
export class LifecyclePlan {
  @Field(() => DateTime)
  generatedAt!: Date;

  @Field(() => String, { description: "The environment the archive requests are made in (its ARCHIVED policy rule applies)." })
  environment!: string;

  @Field(() => [LifecycleCandidate], { description: "Every version an apply would archive, model by model, newest first." })
  candidates!: LifecycleCandidate[];

  @Field(() => [LifecycleKept], { description: "Versions past the newest N that are kept, with why." })
  kept!: LifecycleKept[];

  @Field(() => [LifecycleModelSummary])
  models!: LifecycleModelSummary[];

  @Field(() => Int, { description: "Live (not ARCHIVED) versions of the models the rules cover." })
  liveVersions!: number;

  @Field(() => Int)
  toArchive!: number;

  @Field(() => Float)
  share!: number;

  @Field(() => Float, { description: "policies.deprecation.maxArchiveShare." })
  maxArchiveShare!: number;

  @Field(() => [String], { description: "Why the plan stops and asks (a share passed); non-empty: an apply needs confirmShare." })
  stops!: string[];
}

@InputType()
export class LifecyclePlanFilter {
  @Field(() => String, { nullable: true })
  backend?: string | null;

  @Field(() => String, { nullable: true, description: "Needs backend." })
  model?: string | null;
}

@InputType()
export class LifecyclePlanApplyInput {
  @Field(() => LifecyclePlanFilter, { nullable: true })
  filter?: LifecyclePlanFilter | null;

  @Field(() => Boolean, { nullable: true, description: "Apply a plan that passes a maxArchiveShare (it stops and asks otherwise)." })
  confirmShare?: boolean | null;

  @Field(() => String, { nullable: true, description: "Recorded on every request (default: the rule and the version's reason)." })
  reason?: string | null;
}

@ObjectType()
export class LifecyclePlanApplyResult {
  @Field(() => LifecycleCandidate)
  candidate!: LifecycleCandidate;

  @Field(() => LifecycleApplyOutcomeEnum)
  outcome!: string;

  @Field(() => PromotionRequestType, { nullable: true, description: "The archive request (toStage ARCHIVED, tags modelgate.archived-by=policy)." })
  promotionRequest!: unknown;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType()
export class LifecyclePlanApplyPayload {
  @Field(() => LifecyclePlan, { nullable: true, description: "The plan that was applied (planned afresh by the call)." })
  plan?: LifecyclePlan | null;

  @Field(() => [LifecyclePlanApplyResult])
  results!: LifecyclePlanApplyResult[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}
