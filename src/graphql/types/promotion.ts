import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "./connection.js";
import { StageEnum } from "./enums.js";
import { Node } from "./node.js";
import { DateTime, JSON } from "./scalars.js";
import { DeprecationPolicyType } from "./deprecation-policy.js";

export const PromotionStatusEnum = { PENDING: "PENDING", APPLYING: "APPLYING", APPLIED: "APPLIED", FAILED: "FAILED", REJECTED: "REJECTED" } as const;
registerEnumType(PromotionStatusEnum, {
  name: "PromotionStatus",
  description:
    "PENDING: gates unmet. APPLYING: every gate passed, queued in the outbox. APPLIED: the backend carries the new stage. FAILED: the backend refused; nothing stayed changed. REJECTED: an approver said no.",
});

export const PromotionKindEnum = { PROMOTION: "PROMOTION", ROLLBACK: "ROLLBACK" } as const;
registerEnumType(PromotionKindEnum, { name: "PromotionKind" });

export const GateNameEnum = { EVAL: "EVAL", CANARY: "CANARY", APPROVAL: "APPROVAL", SHADOW: "SHADOW", SIGNATURE: "SIGNATURE", LINEAGE: "LINEAGE" } as const;
registerEnumType(GateNameEnum, { name: "GateName" });

export const ApprovalStateEnum = { PENDING: "PENDING", APPROVED: "APPROVED", REJECTED: "REJECTED" } as const;
registerEnumType(ApprovalStateEnum, {
  name: "ApprovalState",
  description: "PENDING: a request waiting for approvals. APPROVED/REJECTED: a decision an approver made.",
});

@ObjectType("ShadowEvidencePolicy", { description: "What the newest shadow report of the version must show (docs/lifecycle.md#shadow-evidence)." })
export class ShadowEvidencePolicyType {
  @Field(() => Int)
  minRequests!: number;

  @Field(() => Float, { description: "Minimum agreement rate with the primary, 0..1." })
  minAgreement!: number;

  @Field(() => Float, { description: "Maximum error rate, 0..1." })
  maxErrorRate!: number;
}

@ObjectType("RequestPolicy", { description: "The gates a request must pass, fixed when it was made." })
export class RequestPolicyType {
  @Field(() => String, { description: 'The policy rule that matched: "rules[i]", "default[i]", "fallback" or "rollback".' })
  source!: string;

  @Field(() => Float, { nullable: true, description: "Minimum eval score; null when no eval is needed." })
  minEvalScore?: number | null;

  @Field(() => String, { nullable: true })
  evalSuite?: string | null;

  @Field(() => Boolean)
  canary!: boolean;

  @Field(() => Int)
  approvals!: number;

  @Field(() => ShadowEvidencePolicyType, { nullable: true, description: "The SHADOW gate; null when the policy has none." })
  shadowEvidence?: ShadowEvidencePolicyType | null;
}

@ObjectType("GateResult", { description: "The latest result of one gate, with the evidence it was decided on." })
export class GateResultType {
  @Field(() => GateNameEnum)
  gate!: string;

  @Field(() => Boolean)
  passed!: boolean;

  @Field(() => String)
  detail!: string;

  @Field(() => JSON, { nullable: true })
  evidence?: unknown;

  @Field(() => DateTime)
  evaluatedAt!: Date;
}

@ObjectType("PromotionDecision", { description: "An approver's decision on a request." })
export class PromotionDecisionType {
  @Field(() => String)
  actor!: string;

  @Field(() => ApprovalStateEnum)
  decision!: string;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => DateTime)
  at!: Date;
}

@ObjectType("PromotionRequest", { implements: Node, description: "A request to move a version to a stage in an environment." })
export class PromotionRequestType extends Node {
  @Field(() => PromotionKindEnum)
  kind!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => StageEnum, { description: "The version's stage when the request was made." })
  fromStage!: string;

  @Field(() => StageEnum)
  toStage!: string;

  @Field(() => StageEnum, { description: "Where replaced production versions go." })
  demoteTo!: string;

  @Field(() => [String], { description: "Versions holding toStage when the request was made (demoted by the apply)." })
  previousVersions!: string[];

  @Field(() => PromotionStatusEnum)
  status!: string;

  @Field(() => String)
  requestedBy!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => String, { nullable: true, description: "Why it failed or was rejected." })
  failure?: string | null;

  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;
}

export const PromotionRequestConnection = connectionTypes("PromotionRequest", () => PromotionRequestType).Connection;
export type PromotionRequestConnection = InstanceType<typeof PromotionRequestConnection>;

@ObjectType("Approval", { description: "A decision made on a request, or (PENDING) a request waiting for approvals." })
export class ApprovalType {
  @Field(() => PromotionRequestType)
  request!: unknown;

  @Field(() => ApprovalStateEnum)
  state!: string;

  @Field(() => String, { nullable: true, description: "Who decided; null while PENDING." })
  actor?: string | null;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => Int, { description: "Approvals the request needs in all." })
  required!: number;

  @Field(() => Int, { description: "Approvals it has." })
  received!: number;

  @Field(() => DateTime, { nullable: true })
  at?: Date | null;
}

@ObjectType("ProductionEntry", { description: "A version that ran in production for a model and environment, and when." })
export class ProductionEntryType {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String)
  version!: string;

  @Field(() => DateTime, { description: "When the gateway promoted it, or first saw it in production." })
  since!: Date;

  @Field(() => DateTime, { nullable: true })
  until?: Date | null;

  @Field(() => PromotionRequestType, { nullable: true, description: "The request that put it there (null: it was there before the gateway)." })
  request?: unknown;
}

@ObjectType("EvalRecord")
export class EvalRecordType {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  suite!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String, { nullable: true })
  run?: string | null;

  @Field(() => String, { nullable: true })
  artifactUri?: string | null;

  @Field(() => String)
  recordedBy!: string;

  @Field(() => DateTime)
  at!: Date;
}

@ObjectType("CanaryResult")
export class CanaryResultType {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Boolean)
  clean!: boolean;

  @Field(() => String, { nullable: true })
  evidence?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String)
  recordedBy!: string;

  @Field(() => DateTime)
  at!: Date;

  @Field(() => Float, { nullable: true, description: "Share of failed requests, 0..1 (null: not reported)." })
  errorRate?: number | null;

  @Field(() => Int, { nullable: true, description: "Requests the canary served (null: not reported)." })
  requests?: number | null;
}

@ObjectType("StageTransition")
export class StageTransitionType {
  @Field(() => StageEnum)
  from!: string;

  @Field(() => [StageEnum])
  to!: string[];
}

@ObjectType("PolicyRule")
export class PolicyRuleType {
  @Field(() => String)
  backend!: string;

  @Field(() => String, { description: 'Model name glob ("*" matches any run of characters).' })
  models!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => [StageEnum], { nullable: true, description: "Target stages covered; null: all." })
  toStages?: string[] | null;

  @Field(() => Float, { nullable: true })
  minEvalScore?: number | null;

  @Field(() => String, { nullable: true })
  evalSuite?: string | null;

  @Field(() => Boolean)
  canary!: boolean;

  @Field(() => Int)
  approvals!: number;

  @Field(() => ShadowEvidencePolicyType, { nullable: true, description: "The SHADOW gate (requireShadowEvidence); null when the rule has none." })
  shadowEvidence?: ShadowEvidencePolicyType | null;

  @Field(() => StageEnum)
  demoteTo!: string;

  @Field(() => [StageEnum], { nullable: true, description: "Stages the version must be in for the rule to apply; null: any." })
  fromStages?: string[] | null;
}

@ObjectType("ProtectedAliasPolicy", { description: "Aliases that move only through a promotion request (docs/lifecycle.md#protected-aliases)." })
export class ProtectedAliasPolicyType {
  @Field(() => String)
  models!: string;

  @Field(() => String)
  backend!: string;

  @Field(() => [String])
  aliases!: string[];

  @Field(() => String, { description: "The environment whose policy rules, evidence and approvals a move needs." })
  environment!: string;
}

@ObjectType("Policies")
export class PoliciesType {
  @Field(() => Boolean, { description: "True when no rules are configured and the built-in defaults apply." })
  isDefault!: boolean;

  @Field(() => [PolicyRuleType], { description: "Checked in order; the first match applies." })
  rules!: PolicyRuleType[];

  @Field(() => [StageTransitionType])
  transitions!: StageTransitionType[];

  @Field(() => [ProtectedAliasPolicyType], { description: "Protected aliases: moved only through aliasMoveRequest." })
  protectedAliases!: ProtectedAliasPolicyType[];

  @Field(() => DeprecationPolicyType, { nullable: true, description: "The deprecation policy (policies.deprecation); null when none is configured." })
  deprecation!: DeprecationPolicyType | null;
}
