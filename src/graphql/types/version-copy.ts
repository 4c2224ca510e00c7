import { Field, InputType, ObjectType } from "type-graphql";
import { UserError } from "./common.js";
import { PromotionRequestType } from "./promotion.js";

@InputType({ description: "A cross-registry copy (docs/lifecycle.md#cross-registry-copies)." })
export class ModelVersionCopyInput {
  @Field(() => String, { description: 'The version to copy: "backend/model@version", e.g. "mlflow/churn@3".' })
  from!: string;

  @Field(() => String, { description: 'Where to: "backend/model", or "backend" for a model of the same name. The target numbers the copy.' })
  to!: string;

  @Field(() => String, {
    nullable: true,
    description: "The copy lands in this environment's stage (not PRODUCTION), gated by the target's policy for it. Absent: NONE, gated by the target's environment \"*\" rules.",
  })
  environment?: string | null;

  @Field(() => String)
  reason!: string;

  @Field(() => String, { nullable: true, description: "Replaying a key returns the first request and does nothing again." })
  idempotencyKey?: string | null;
}

@ObjectType()
export class ModelVersionCopyPayload {
  @Field(() => PromotionRequestType, { nullable: true, description: "The copy request (copy set); APPLYING or APPLIED once its gates pass, PENDING while they wait." })
  promotionRequest?: unknown;

  @Field(() => Boolean, { description: "True when an idempotency key was replayed: the first request is returned and nothing was done again." })
  replayed!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType("VersionCopy", { description: "What a copy request copies where, and (once applied) the version it registered." })
export class VersionCopyType {
  @Field(() => String, { description: '"backend/model@version" copied.' })
  from!: string;

  @Field(() => String, { description: '"backend/model" it is copied into.' })
  to!: string;

  @Field(() => String, { nullable: true, description: "The version the target registered; null until the copy is applied (and after an undone failure)." })
  version?: string | null;
}
