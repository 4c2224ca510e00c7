import { Field, ObjectType } from "type-graphql";
import { Node } from "./node.js";
import { DateTime } from "./scalars.js";

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
}

@ObjectType({ description: "A named pointer to one version of a model." })
export class ModelAlias {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;
}
