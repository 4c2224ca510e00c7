import { Field, Float, ObjectType } from "type-graphql";
import { StageEnum } from "./enums.js";
import { Node } from "./node.js";
import { DateTime, JSON, JSONObject } from "./scalars.js";

@ObjectType({ description: "Where a version came from." })
export class Lineage {
  @Field(() => String, { nullable: true })
  runId?: string;

  @Field(() => String, { nullable: true })
  runLink?: string;

  @Field(() => String, { nullable: true })
  codeCommit?: string;

  @Field(() => String, { nullable: true })
  datasetHash?: string;

  @Field(() => String, { nullable: true, description: "Base or parent model (fine-tunes, LoRA adapters)." })
  parentModel?: string;

  @Field(() => String, { nullable: true, description: "The teacher model this one was distilled from (a reference, see docs/provenance.md)." })
  teacherModel?: string;
}

@ObjectType()
export class EvalResult {
  @Field(() => String)
  suite!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String, { nullable: true })
  run?: string;

  @Field(() => String, { nullable: true })
  artifactUri?: string;
}

@ObjectType({ description: "What an LLM application runs: a pinned model id, a prompt, parameters and tools." })
export class GenerationConfig {
  @Field(() => String, { description: "Pinned provider model id (never a floating alias in production)." })
  model!: string;

  @Field(() => String, { nullable: true, description: "\"name@version\" of the prompt." })
  promptRef?: string;

  @Field(() => JSONObject)
  params!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: "\"name@version\" of the tool schemas." })
  toolsRef?: string;

  @Field(() => EvalResult, { nullable: true })
  eval?: EvalResult;

  @Field(() => String, { nullable: true })
  approvedBy?: string;
}

@ObjectType()
export class Prompt {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  template!: string;

  @Field(() => String, { nullable: true })
  location?: string;
}

@ObjectType()
export class ToolSet {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => JSON, { description: "The tool/function schemas as stored." })
  tools!: unknown;

  @Field(() => String, { nullable: true })
  location?: string;
}

@ObjectType("ModelVersion", { implements: Node })
export class ModelVersionType extends Node {
  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  version!: string;

  @Field(() => StageEnum)
  stage!: keyof typeof StageEnum;

  @Field(() => String, { nullable: true, description: "The backend's own stage word, shown read-only (e.g. MLflow's legacy stage)." })
  nativeStage?: string;

  @Field(() => String, { nullable: true })
  artifactUri?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => JSONObject)
  params!: Record<string, unknown>;

  @Field(() => Lineage)
  lineage!: Lineage;

  @Field(() => [String])
  aliases!: string[];

  @Field(() => GenerationConfig, { nullable: true })
  generationConfig?: GenerationConfig;

  @Field(() => DateTime, { nullable: true })
  createdAt?: Date;

  @Field(() => DateTime, { nullable: true })
  updatedAt?: Date;

  @Field(() => String, { nullable: true })
  createdBy?: string;

  @Field(() => JSON, {
    nullable: true,
    description:
      "The backend's own fields with no place in this schema, read-only, under the backend's names: SageMaker's ModelLifeCycle and ApprovalDescription, Vertex AI labels and version aliases, MLflow's run link and logged model id, git-YAML x- keys.",
  })
  native?: Record<string, unknown>;
}
