import { Field, ObjectType } from "type-graphql";
import { UserError } from "./common.js";
import { CanaryResultType, EvalRecordType, PromotionRequestType } from "./promotion.js";

@ObjectType()
export class PromotionRequestPayload {
  @Field(() => PromotionRequestType, { nullable: true })
  promotionRequest?: unknown;

  @Field(() => Boolean, { description: "True when an idempotency key was replayed: the first request is returned and nothing was done again." })
  replayed!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class PromotionDecisionPayload {
  @Field(() => PromotionRequestType, { nullable: true })
  promotionRequest?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class EvalRecordPayload {
  @Field(() => EvalRecordType, { nullable: true })
  evalRecord?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class CanaryResultRecordPayload {
  @Field(() => CanaryResultType, { nullable: true })
  canaryResult?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class ModelRollbackPayload {
  @Field(() => PromotionRequestType, { nullable: true, description: "The rollback request (kind ROLLBACK), applied through the outbox." })
  promotionRequest?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
