/** Guarded rollouts in the API (docs/lifecycle.md#guarded-rollouts): the plan a revision carries, a deployment's rollout, and pause / resume / abort. */
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { RolloutActionEnum } from "./rollout-inputs.js";
import { UserError } from "./common.js";
import { DeploymentComponentType, DeploymentRevisionType, DeploymentType } from "./deployment.js";
import { CanaryResultType, PromotionRequestType } from "./promotion.js";
import { DateTime } from "./scalars.js";

export const RolloutStatusEnum = { RUNNING: "RUNNING", PAUSED: "PAUSED", COMPLETED: "COMPLETED", ROLLED_BACK: "ROLLED_BACK", SUPERSEDED: "SUPERSEDED" } as const;
registerEnumType(RolloutStatusEnum, {
  name: "RolloutStatus",
  description:
    "RUNNING: the leader moves it on evidence. PAUSED: holds its weights until resumed or aborted. COMPLETED: the new revision takes all traffic. ROLLED_BACK: the previous revision was put back. SUPERSEDED: another revision was put in place.",
});

@ObjectType("RolloutStep")
export class RolloutStepType {
  @Field(() => Int, { description: "Percent of each role's live traffic the new revision serves during the step." })
  weight!: number;

  @Field(() => Int, { description: "Seconds the step runs, its evidence in, before the next one." })
  holdSeconds!: number;
}

@ObjectType("RolloutMetricFloor")
export class RolloutMetricFloorType {
  @Field(() => String)
  name!: string;

  @Field(() => Float)
  min!: number;
}

@ObjectType("RolloutPlan", { description: "Weight steps with hold times, and the thresholds on each step's canary evidence." })
export class RolloutPlanType {
  @Field(() => [RolloutStepType])
  steps!: RolloutStepType[];

  @Field(() => Float, { nullable: true, description: "A canary result with a higher error rate breaks the step." })
  maxErrorRate?: number | null;

  @Field(() => RolloutMetricFloorType, { nullable: true, description: "A canary result whose metric is below min breaks the step." })
  metricFloor?: RolloutMetricFloorType | null;

  @Field(() => Int, { nullable: true, description: "Requests a step's canary results must add up to before it may advance." })
  minRequests?: number | null;

  @Field(() => Int, { nullable: true, description: "Seconds after a step started by which its evidence must be in (default: its hold)." })
  evidenceTimeoutSeconds?: number | null;

  @Field(() => RolloutActionEnum)
  onBreach!: string;

  @Field(() => RolloutActionEnum)
  onMissingEvidence!: string;
}

export const RolloutVerdictEnum = { WAIT: "WAIT", ADVANCE: "ADVANCE", BREACH: "BREACH", MISSING: "MISSING" } as const;
registerEnumType(RolloutVerdictEnum, {
  name: "RolloutVerdict",
  description:
    "What the leader's next pass does with a running step: WAIT (holding, or its evidence still coming), ADVANCE (queue the next step), BREACH (a threshold broke: onBreach), MISSING (the evidence is not in by its deadline: onMissingEvidence).",
});

@ObjectType("RolloutEvidence", {
  description: "The canary evidence of an open rollout's current step: the results recorded for its new versions since the step started, against the plan's thresholds.",
})
export class RolloutEvidenceType {
  @Field(() => Int, { description: "The step judged, 1-based." })
  step!: number;

  @Field(() => DateTime, { description: "Results recorded from here on count (the step's start or its resume)." })
  since!: Date;

  @Field(() => DateTime, { description: "When missing evidence acts (onMissingEvidence): evidenceTimeoutSeconds after the step started, default its hold." })
  deadline!: Date;

  @Field(() => [String], { description: "The versions the evidence is about (backend/name@version): the new revision's serving components the previous one did not serve." })
  versions!: string[];

  @Field(() => Int, { description: "Canary results counted." })
  resultCount!: number;

  @Field(() => Float, { description: "Requests the counted results add up to, against the plan's minRequests (a whole number)." })
  requests!: number;

  @Field(() => Float, { nullable: true, description: "The highest error rate reported, against the plan's maxErrorRate (null: none reported)." })
  maxErrorRate?: number | null;

  @Field(() => Float, { nullable: true, description: "The lowest value reported of the plan's metricFloor metric (null: none reported, or no floor)." })
  minMetric?: number | null;

  @Field(() => RolloutVerdictEnum, { nullable: true, description: "The leader's verdict on this evidence now; null while PAUSED (a paused rollout is not judged)." })
  verdict?: string | null;

  @Field(() => String, { nullable: true, description: "The verdict in words, e.g. \"step 1 of 4 (5%): waiting for evidence (120 of 500 requests)\"." })
  reason?: string | null;

  @Field(() => [CanaryResultType], { description: "The results counted, newest first (at most 20)." })
  canaryResults!: unknown[];
}

@ObjectType("Rollout", { description: "A guarded rollout of a deployment revision over the one it replaces." })
export class RolloutType {
  @Field(() => String)
  id!: string;

  @Field(() => RolloutStatusEnum)
  status!: string;

  @Field(() => Int, { description: "The running (or last) step, 1-based." })
  step!: number;

  @Field(() => Int, { description: "The new revision's percent of traffic now: the step's weight while open, 100 once completed, 0 once rolled back." })
  weight!: number;

  @Field(() => [DeploymentComponentType], { description: "What resolve serves now: both revisions' components at the step's weights while open." })
  weights!: unknown[];

  @Field(() => RolloutPlanType)
  plan!: RolloutPlanType;

  @Field(() => DeploymentRevisionType, { description: "The revision being rolled out." })
  revision!: unknown;

  @Field(() => DeploymentRevisionType, { nullable: true, description: "The revision it replaces (serving the rest of the traffic)." })
  fromRevision?: unknown;

  @Field(() => DateTime)
  stepStartedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: "When the running step's hold ends (null unless RUNNING): the earliest the next step can come." })
  nextAt?: Date | null;

  @Field(() => String, { nullable: true, description: "Why it is paused (missing evidence, a refused rollback, or who paused it)." })
  pausedReason?: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;
}

@InputType()
export class DeploymentRolloutControlInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType()
export class DeploymentRolloutPayload {
  @Field(() => DeploymentType, { nullable: true })
  deployment?: unknown;

  @Field(() => RolloutType, { nullable: true })
  rollout?: unknown;

  @Field(() => PromotionRequestType, { nullable: true, description: "abort: the rollback request (applied by the outbox at once)." })
  promotionRequest?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
