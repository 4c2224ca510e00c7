/** `policies.deprecation` as the `policies` query shows it (docs/lifecycle.md#deprecation-policy). */
import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType("DeprecationRule", { description: "One rule of the deprecation policy: the first rule matching a model's backend and name applies." })
export class DeprecationRuleType {
  @Field(() => String, { description: 'Model names covered: a glob where "*" matches any run of characters, or "*".' })
  models!: string;

  @Field(() => String, { description: 'Backend id covered, or "*".' })
  backend!: string;

  @Field(() => Int, { description: "The newest N versions of each model are never archived." })
  keepNewest!: number;

  @Field(() => Int, { description: "An older version is archived only when created more than this many days ago and no deployment revision used it since." })
  archiveAfterDays!: number;

  @Field(() => Float, { description: "Largest share (0-1) of one model's versions one plan may archive (the policy's maxArchiveShare when the rule sets none)." })
  maxArchiveShare!: number;
}

@ObjectType("DeprecationPolicy", { description: "The deprecation policy (policies.deprecation): what lifecyclePlan proposes to archive, and the schedule that applies it." })
export class DeprecationPolicyType {
  @Field(() => [DeprecationRuleType], { description: "Checked in order; a model no rule matches is left alone." })
  rules!: DeprecationRuleType[];

  @Field(() => Float, { description: "Largest share (0-1) of all the versions the rules cover that one plan may archive." })
  maxArchiveShare!: number;

  @Field(() => String, { description: "The environment whose promotion rules (gates, approvals) the archive requests meet." })
  environment!: string;

  @Field(() => Int, { nullable: true, description: "Minutes between the leader's scheduled plan-and-apply runs; null: applied only by hand (lifecyclePlanApply, modelgate lifecycle apply)." })
  everyMinutes!: number | null;
}
