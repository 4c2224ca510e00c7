import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { REGISTRY_EVENT_TYPES, type RegistryEventType as RegistryEventKind } from "../../events/registry-event.js";
import { DateTime, JSON } from "./scalars.js";

export const RegistryEventTypeEnum = Object.fromEntries(REGISTRY_EVENT_TYPES.map((t) => [t, t])) as { readonly [K in RegistryEventKind]: K };
registerEnumType(RegistryEventTypeEnum, {
  name: "RegistryEventType",
  description: "What kind of change a registry event is.",
  valuesConfig: {
    VERSION_REGISTERED: { description: "A model version (or a model) was registered (model_version.register, model.create)." },
    ALIAS_CHANGED: { description: "An alias was set or removed (alias.set, alias.remove)." },
    STAGE_CHANGED: { description: "A version's stage changed: a promotion was applied, or a version demoted (promotion.apply, promotion.demote)." },
    PROMOTION_UPDATED: {
      description: "A promotion request was opened, gated, queued, rolled back or failed to apply (promotion.request, promotion.gate, promotion.queue, promotion.rollback, promotion.apply that failed).",
    },
    APPROVAL: { description: "A promotion request was approved or rejected (promotion.approve, promotion.reject)." },
    EVIDENCE_RECORDED: { description: "An eval or canary result was recorded (eval.record, canary.record)." },
    DEPLOYMENT_CHANGED: { description: "A deployment changed (deployment.*)." },
    DRIFT: {
      description:
        "A backend was found out of line with the promotion trail, or back in line (OUT_OF_BAND_CHANGE, UNAPPROVED_IN_STAGE, DRIFT_RESOLVED); environment names the environment concerned.",
    },
    OTHER: { description: "Any other audited change." },
    IDLE_IN_PRODUCTION: {
      description:
        "A production version nobody resolved or served for lifecycle.idle.afterDays raised an idle alert (idle.raise; after.owner names who owns the model), or its alert closed (idle.clear: used again, or out of production).",
    },
    ROLLOUT_STEP: {
      description: "A guarded rollout started, moved to its next weight step, completed or was resumed (deployment.rollout_start, _step, _complete, _resume).",
    },
    ROLLOUT_PAUSED: { description: "A guarded rollout paused: evidence missing, a threshold broken with onBreach PAUSE, or by hand (deployment.rollout_pause)." },
    ROLLOUT_ROLLED_BACK: { description: "A guarded rollout ended with its previous revision put back, automatically or aborted (deployment.rollout_rolled_back)." },
  },
});

@ObjectType("RegistryEvent", {
  description:
    "A change in the registries, as recorded in the audit trail (every change appends its audit event in the same transaction). " +
    "Delivered in seq order; resubscribe with afterSeq set to the last seq received to continue without a gap.",
})
export class RegistryEventObject {
  @Field(() => ID, { description: "The global id of the audit event that records the change (usable with node); the same on every delivery." })
  id!: string;

  @Field(() => Int, { description: "The audit event's gap-free position in the trail: the order of delivery, and what afterSeq takes." })
  seq!: number;

  @Field(() => RegistryEventTypeEnum)
  type!: RegistryEventKind;

  @Field(() => String, { description: "The audit action, e.g. alias.set, promotion.apply, OUT_OF_BAND_CHANGE." })
  action!: string;

  @Field(() => DateTime)
  at!: Date;

  @Field(() => String)
  actor!: string;

  @Field(() => String)
  target!: string;

  @Field(() => String, { nullable: true })
  backendId?: string;

  @Field(() => String, { nullable: true })
  modelName?: string;

  @Field(() => String, { nullable: true, description: "The environment the change concerns, when it concerns one (promotions, canaries, deployments)." })
  environment?: string;

  @Field(() => JSON, { nullable: true })
  before?: unknown;

  @Field(() => JSON, { nullable: true })
  after?: unknown;

  @Field(() => String, { nullable: true })
  reason?: string;
}

@InputType({ description: "Which registry events to deliver: every criterion given must match." })
export class RegistryEventFilter {
  @Field(() => [RegistryEventTypeEnum], { nullable: true, description: "Any of these types; absent or empty: every type." })
  types?: RegistryEventKind[];

  @Field(() => String, { nullable: true, description: "Backend id." })
  backend?: string;

  @Field(() => String, { nullable: true, description: "Model name." })
  model?: string;

  @Field(() => String, { nullable: true, description: "Environment; events that concern no environment do not match." })
  environment?: string;
}
