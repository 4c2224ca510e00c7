import { Field, ObjectType } from "type-graphql";
import { Node } from "./node.js";
import { DateTime, JSON } from "./scalars.js";

@ObjectType("RegisteredModel", { implements: Node })
export class RegisteredModelType extends Node {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => DateTime, { nullable: true })
  createdAt?: Date;

  @Field(() => DateTime, { nullable: true })
  updatedAt?: Date;

  @Field(() => String, { nullable: true })
  latestVersion?: string;

  @Field(() => JSON, {
    nullable: true,
    description:
      "The backend's own fields with no place in this schema, read-only, under the backend's names (SageMaker's group ARN, Vertex AI labels, git-YAML x- keys).",
  })
  native?: Record<string, unknown>;
}

@ObjectType({ description: "A named pointer to one version of a model." })
export class ModelAlias {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;
}
