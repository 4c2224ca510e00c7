import { Field, ObjectType } from "type-graphql";
import { SelectedByEnum, StageEnum } from "./enums.js";
import { ModelVersionType, Prompt, ToolSet } from "./model-version.js";

@ObjectType({ description: "What an application in an environment should run, ready to use." })
export class ResolvedEntry {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => ModelVersionType)
  version!: unknown;

  @Field(() => String, { description: "\"backend/name@version\": log it with every call the application makes." })
  registryVersion!: string;

  @Field(() => Prompt, { nullable: true, description: "The prompt the generation config points to, inlined." })
  prompt?: Prompt;

  @Field(() => ToolSet, { nullable: true, description: "The tool schemas the generation config points to, inlined." })
  tools?: ToolSet;

  @Field(() => String, { description: "Changes exactly when anything above changes; also sent as the HTTP ETag of GET /v1/resolve." })
  etag!: string;

  @Field(() => SelectedByEnum)
  selectedBy!: keyof typeof SelectedByEnum;
}

@ObjectType()
export class Environment {
  @Field(() => String)
  name!: string;

  @Field(() => StageEnum, { description: "The stage whose version this environment runs." })
  stage!: keyof typeof StageEnum;
}
