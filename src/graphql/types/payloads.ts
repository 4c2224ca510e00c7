import { Field, ObjectType } from "type-graphql";
import { UserError } from "./common.js";
import { RegisteredModelType } from "./model.js";
import { ModelVersionType } from "./model-version.js";

@ObjectType()
export class ModelVersionRegisterPayload {
  @Field(() => ModelVersionType, { nullable: true })
  modelVersion?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class AliasSetPayload {
  @Field(() => ModelVersionType, { nullable: true, description: "The version now carrying the alias." })
  modelVersion?: unknown;

  @Field(() => String, { nullable: true, description: "The version the alias pointed to before, if any." })
  previousVersion?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class AliasRemovePayload {
  @Field(() => RegisteredModelType, { nullable: true })
  model?: unknown;

  @Field(() => String, { nullable: true, description: "The version the removed alias pointed to." })
  removedFromVersion?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
