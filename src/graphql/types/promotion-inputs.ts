import { Field, Float, ID, InputType, Int } from "type-graphql";
import { MetricInput } from "./inputs.js";
import { StageEnum } from "./enums.js";

@InputType()
export class PromotionRequestInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  version!: string;

  @Field(() => StageEnum)
  toStage!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => String, { nullable: true, description: "Replaying a key returns the first request and does nothing again." })
  idempotencyKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Compare-and-set: the version(s) holding toStage now, comma-separated ("" for none); refused with CONFLICT otherwise.',
  })
  expectedCurrentVersion?: string | null;
}

@InputType()
export class PromotionDecisionInput {
  @Field(() => ID, { description: "The PromotionRequest's id." })
  id!: string;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}

@InputType()
export class EvalRecordInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  suite!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String, { nullable: true })
  run?: string | null;

  @Field(() => String, { nullable: true })
  artifactUri?: string | null;
}

@InputType()
export class CanaryResultRecordInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Boolean)
  clean!: boolean;

  @Field(() => String, { nullable: true, description: "Where the result can be checked (dashboard URL, run id)." })
  evidence?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => Float, { nullable: true, description: "Share of failed requests, 0..1 (a guarded rollout's maxErrorRate checks it)." })
  errorRate?: number | null;

  @Field(() => Int, { nullable: true, description: "Requests the canary served (a guarded rollout's minRequests adds them up)." })
  requests?: number | null;

  @Field(() => [MetricInput], { nullable: true, description: "Named measurements, e.g. accuracy 0.93 (a guarded rollout's metricFloor reads them); at most 32." })
  metrics?: MetricInput[] | null;
}

@InputType()
export class ModelRollbackInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String)
  reason!: string;
}
