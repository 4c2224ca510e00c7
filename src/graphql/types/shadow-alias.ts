/**
 * GraphQL types of shadow evidence (docs/lifecycle.md#shadow-evidence) and protected alias moves
 * (docs/lifecycle.md#protected-aliases).
 */
import { Field, Float, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "./common.js";
import { connectionTypes } from "./connection.js";
import { PromotionRequestType } from "./promotion.js";
import { DateTime } from "./scalars.js";

@ObjectType("ShadowReport", { description: "What a shadow version did against the primary over a window: the SHADOW gate's evidence." })
export class ShadowReportType {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String, { description: "The shadow version." })
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String, { nullable: true, description: "The version it was compared against." })
  primaryVersion?: string | null;

  @Field(() => DateTime)
  windowStart!: Date;

  @Field(() => DateTime)
  windowEnd!: Date;

  @Field(() => Int, { description: "Requests mirrored to the shadow in the window." })
  requests!: number;

  @Field(() => Float, { description: "Share of requests where the shadow agreed with the primary, 0..1." })
  agreementRate!: number;

  @Field(() => Float, { nullable: true })
  latencyP50Ms?: number | null;

  @Field(() => Float, { nullable: true })
  latencyP95Ms?: number | null;

  @Field(() => Float, { description: "Share of requests the shadow failed, 0..1." })
  errorRate!: number;

  @Field(() => String, { nullable: true, description: "Where the raw evidence is (a dashboard or report URL)." })
  evidence?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String)
  recordedBy!: string;

  @Field(() => DateTime)
  at!: Date;
}

export const ShadowReportConnection = connectionTypes("ShadowReport", () => ShadowReportType).Connection;
export type ShadowReportConnection = InstanceType<typeof ShadowReportConnection>;

@InputType()
export class ShadowReportInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String, { description: "The shadow version." })
  version!: string;

  @Field(() => String, { nullable: true, description: "The primary version it was compared against." })
  primaryVersion?: string | null;

  @Field(() => String)
  environment!: string;

  @Field(() => DateTime)
  windowStart!: Date;

  @Field(() => DateTime)
  windowEnd!: Date;

  @Field(() => Int)
  requests!: number;

  @Field(() => Float, { description: "0..1" })
  agreementRate!: number;

  @Field(() => Float, { nullable: true })
  latencyP50Ms?: number | null;

  @Field(() => Float, { nullable: true })
  latencyP95Ms?: number | null;

  @Field(() => Float, { description: "0..1" })
  errorRate!: number;

  @Field(() => String, { nullable: true, description: "Where the raw evidence is (a dashboard or report URL)." })
  evidence?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

@ObjectType()
export class ShadowReportPayload {
  @Field(() => ShadowReportType, { nullable: true })
  shadowReport?: unknown;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class AliasMoveRequestInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String, { description: "A protected alias (policies.protectedAliases)." })
  alias!: string;

  @Field(() => String, { description: "The version the alias should point at." })
  version!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => String, { nullable: true, description: "Replaying a key returns the first request and does nothing again." })
  idempotencyKey?: string | null;

  @Field(() => String, { nullable: true, description: 'Compare-and-set: the version the alias points at now ("" for none); refused with CONFLICT otherwise.' })
  expectedCurrentVersion?: string | null;
}

@ObjectType()
export class AliasMoveRequestPayload {
  @Field(() => PromotionRequestType, { nullable: true })
  promotionRequest?: unknown;

  @Field(() => Boolean, { description: "True when an idempotency key was replayed." })
  replayed!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
