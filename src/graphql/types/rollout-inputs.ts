/** The rollout plan a deployment revision is created with (docs/lifecycle.md#guarded-rollouts); apart from ./rollout.ts so ./deployment.ts can use it without a cycle. */
import { Field, Float, InputType, Int, registerEnumType } from "type-graphql";

export const RolloutActionEnum = { ROLLBACK: "ROLLBACK", PAUSE: "PAUSE" } as const;
registerEnumType(RolloutActionEnum, { name: "RolloutAction", description: "What a broken threshold or missing evidence does: roll back to the previous revision, or pause." });

@InputType()
export class RolloutStepInput {
  @Field(() => Int, { description: "1 to 100; each step above the one before." })
  weight!: number;

  @Field(() => Int, { description: "0 to 604800 seconds." })
  holdSeconds!: number;
}

@InputType()
export class RolloutMetricFloorInput {
  @Field(() => String, { description: "A metric name canary results report, e.g. accuracy." })
  name!: string;

  @Field(() => Float)
  min!: number;
}

@InputType({ description: "A guarded rollout: weight steps with holds and thresholds on canary evidence." })
export class RolloutPlanInput {
  @Field(() => [RolloutStepInput], { description: "1 to 20 steps, e.g. 5, 25, 50, 100. After the last one the new revision takes all traffic." })
  steps!: RolloutStepInput[];

  @Field(() => Float, { nullable: true })
  maxErrorRate?: number | null;

  @Field(() => RolloutMetricFloorInput, { nullable: true })
  metricFloor?: RolloutMetricFloorInput | null;

  @Field(() => Int, { nullable: true })
  minRequests?: number | null;

  @Field(() => Int, { nullable: true, description: "Default: each step's hold." })
  evidenceTimeoutSeconds?: number | null;

  @Field(() => RolloutActionEnum, { nullable: true, description: "Default ROLLBACK." })
  onBreach?: "ROLLBACK" | "PAUSE" | null;

  @Field(() => RolloutActionEnum, { nullable: true, description: "Default PAUSE." })
  onMissingEvidence?: "ROLLBACK" | "PAUSE" | null;
}

