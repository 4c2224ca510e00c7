import { Field, Float, ID, InputType } from "type-graphql";
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
