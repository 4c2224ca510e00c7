import { Field, Float, InputType } from "type-graphql";
import { SortOrderEnum, StageEnum } from "./enums.js";
import { DateTime, JSONObject } from "./scalars.js";

@InputType()
export class TagInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@InputType()
export class ModelFilter {
  @Field(() => String, { nullable: true, description: "Case-insensitive substring of the name." })
  nameContains?: string;

  @Field(() => [TagInput], { nullable: true, description: "Every tag must match." })
  tags?: TagInput[];
}

@InputType()
export class ModelVersionFilter {
  @Field(() => StageEnum, { nullable: true })
  stage?: keyof typeof StageEnum;

  @Field(() => [TagInput], { nullable: true })
  tags?: TagInput[];
}

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true })
  actor?: string;

  @Field(() => String, { nullable: true })
  action?: string;

  @Field(() => String, { nullable: true })
  backend?: string;

  @Field(() => String, { nullable: true })
  model?: string;

  @Field(() => DateTime, { nullable: true, description: "Inclusive." })
  from?: Date;

  @Field(() => DateTime, { nullable: true, description: "Exclusive." })
  to?: Date;

  @Field(() => SortOrderEnum, { nullable: true, defaultValue: "DESC" })
  order?: keyof typeof SortOrderEnum;
}

@InputType()
export class LineageInput {
  @Field(() => String, { nullable: true })
  runId?: string;

  @Field(() => String, { nullable: true })
  runLink?: string;

  @Field(() => String, { nullable: true })
  codeCommit?: string;

  @Field(() => String, { nullable: true })
  datasetHash?: string;

  @Field(() => String, { nullable: true })
  parentModel?: string;

  @Field(() => String, { nullable: true, description: "The teacher model this one was distilled from." })
  teacherModel?: string;
}

@InputType()
export class EvalResultInput {
  @Field(() => String)
  suite!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String, { nullable: true })
  run?: string;

  @Field(() => String, { nullable: true })
  artifactUri?: string;
}

@InputType()
export class GenerationConfigInput {
  @Field(() => String, { description: "Pinned provider model id, e.g. gpt-5-mini-2026-06-10." })
  model!: string;

  @Field(() => String, { nullable: true })
  promptRef?: string;

  @Field(() => JSONObject, { nullable: true })
  params?: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  toolsRef?: string;

  @Field(() => EvalResultInput, { nullable: true })
  eval?: EvalResultInput;
}

@InputType()
export class MetricInput {
  @Field(() => String)
  key!: string;

  @Field(() => Float)
  value!: number;
}

@InputType()
export class ModelVersionRegisterInput {
  @Field(() => String, { description: "Backend id from modelgate.yaml." })
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String, { nullable: true })
  artifactUri?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [TagInput], { nullable: true })
  tags?: TagInput[];

  @Field(() => JSONObject, { nullable: true })
  params?: Record<string, unknown>;

  @Field(() => [MetricInput], { nullable: true })
  metrics?: MetricInput[];

  @Field(() => LineageInput, { nullable: true })
  lineage?: LineageInput;

  @Field(() => GenerationConfigInput, { nullable: true })
  generationConfig?: GenerationConfigInput;

  @Field(() => Boolean, { nullable: true, defaultValue: true, description: "Create the model when it does not exist." })
  createModel?: boolean;

  @Field(() => String, { nullable: true, description: "Why: recorded in the audit trail (and the git commit body)." })
  reason?: string;
}

@InputType()
export class AliasSetInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  alias!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { nullable: true })
  reason?: string;
}

@InputType()
export class AliasRemoveInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  alias!: string;

  @Field(() => String, { nullable: true })
  reason?: string;
}
