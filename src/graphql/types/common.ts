import { Field, Float, ObjectType } from "type-graphql";
import { UserErrorCodeEnum } from "./enums.js";

@ObjectType({ description: "Relay page information." })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Always false: the gateway pages forward only." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string | null;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

@ObjectType()
export class Tag {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType()
export class Metric {
  @Field(() => String)
  key!: string;

  @Field(() => Float)
  value!: number;
}

@ObjectType({ description: "A business error of a mutation: nothing was changed." })
export class UserError {
  @Field(() => [String], { nullable: true, description: "Path of the input field at fault, e.g. [\"input\", \"version\"]." })
  field?: string[] | null;

  @Field(() => UserErrorCodeEnum)
  code!: keyof typeof UserErrorCodeEnum;

  @Field(() => String)
  message!: string;
}

@ObjectType({ description: "A backend that failed while others answered: its part of the result is missing." })
export class BackendFailure {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;
}

export function tagsToList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
}
