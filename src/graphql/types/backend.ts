import { Field, Int, ObjectType } from "type-graphql";
import { CircuitStateEnum, HealthStateEnum } from "./enums.js";
import { Node } from "./node.js";
import { DateTime } from "./scalars.js";

/** Root object of a Backend: the configured id and adapter kind. */
export interface BackendRoot {
  backendId: string;
  kind: string;
}

@ObjectType("Backend", { implements: Node, description: "A registry behind the gateway." })
export class BackendType extends Node {
  @Field(() => String, { description: "The id given in modelgate.yaml (used in `backend:` arguments)." })
  backendId!: string;

  @Field(() => String, { description: "Adapter kind: git-yaml, mlflow, sagemaker, vertex, or npm:<package>." })
  kind!: string;
}

@ObjectType()
export class BackendHealth {
  @Field(() => HealthStateEnum)
  state!: keyof typeof HealthStateEnum;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true })
  message?: string;

  @Field(() => DateTime)
  checkedAt!: Date;

  @Field(() => CircuitStateEnum)
  circuit!: keyof typeof CircuitStateEnum;
}

@ObjectType({ description: "An entry the backend could not serve (e.g. a git-YAML file that does not validate); everything else is still served." })
export class RegistryProblem {
  @Field(() => String)
  file!: string;

  @Field(() => Int)
  line!: number;

  @Field(() => String)
  field!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true })
  model?: string;

  @Field(() => String, { nullable: true })
  version?: string;
}

@ObjectType()
export class BackendCapabilities {
  @Field(() => Boolean, { description: "Answers asOf (past-time) reads." })
  asOf!: boolean;

  @Field(() => Boolean)
  generationConfigs!: boolean;

  @Field(() => Boolean)
  prompts!: boolean;

  @Field(() => Boolean)
  aliases!: boolean;

  @Field(() => Boolean)
  writes!: boolean;

  @Field(() => Int)
  maxPageSize!: number;
}
