import { Field, InputType, Int, ObjectType } from "type-graphql";
import { connectionTypes } from "./connection.js";
import { UserError } from "./common.js";
import { DriftKindEnum, StageEnum } from "./enums.js";
import { DateTime } from "./scalars.js";

@ObjectType("Drift", {
  description:
    "A version whose stage in its backend does not match the promotion trail: changed outside modelgate (OUT_OF_BAND_CHANGE), or put in a governed stage the trail never approved it into (UNAPPROVED_IN_STAGE). An audit event of that name recorded it once.",
})
export class DriftType {
  @Field(() => DriftKindEnum)
  kind!: string;

  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  version!: string;

  @Field(() => StageEnum, {
    description: "The stage the promotion trail says the version is in (UNAPPROVED_IN_STAGE: the stage it last put it in, NONE when it never staged it).",
  })
  expectedStage!: string;

  @Field(() => StageEnum, { nullable: true, description: "The stage the backend reports; null when the version no longer exists there." })
  actualStage!: string | null;

  @Field(() => DateTime, { description: "When the drift was first seen." })
  detectedAt!: Date;
}

@ObjectType("DriftFlag", {
  description:
    "How a read path (resolve, whatRunsInProduction) flags a version the backend and the promotion trail disagree about, judged at the time of the read.",
})
export class DriftFlagType {
  @Field(() => DriftKindEnum)
  kind!: string;

  @Field(() => String, { description: "The version it concerns." })
  version!: string;

  @Field(() => StageEnum, { nullable: true, description: "The stage the promotion trail last put the version in; null when it never staged it." })
  trailStage!: string | null;

  @Field(() => StageEnum, { nullable: true, description: "The stage the backend reports; null when the version no longer exists there." })
  backendStage!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => DateTime, { nullable: true, description: "When a drift check recorded it (its audit event); null until one has." })
  detectedAt!: Date | null;
}

export const DriftConnection = connectionTypes("Drift", () => DriftType).Connection;
export type DriftConnection = InstanceType<typeof DriftConnection>;

@InputType()
export class DriftCheckInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;
}

@ObjectType()
export class DriftCheckPayload {
  @Field(() => [DriftType], { nullable: true, description: "The model's drifts after the check (empty: in line with the trail)." })
  drifts?: DriftType[] | null;

  @Field(() => [DriftType], { nullable: true, description: "Drifts this check saw for the first time." })
  detected?: DriftType[] | null;

  @Field(() => [DriftType], { nullable: true, description: "Drifts this check found ended." })
  resolved?: DriftType[] | null;

  @Field(() => Int, { description: "Versions compared with the trail: those it tracks and those found in a governed stage." })
  checkedVersions!: number;

  @Field(() => String, {
    nullable: true,
    description: "Why the model was not compared this time (e.g. a promotion of it is being applied); drifts are then the last known ones.",
  })
  skipped?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType("DriftModelRef")
export class DriftModelRefType {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;
}

@ObjectType("DriftCheckFailure")
export class DriftCheckFailureType {
  @Field(() => String)
  backend!: string;

  @Field(() => String, { description: 'The model, or "*" when the backend\'s models could not be listed.' })
  model!: string;

  @Field(() => String)
  error!: string;
}

@ObjectType("DriftPass", { description: "One pass of the background drift check over every model worth checking." })
export class DriftPassType {
  @Field(() => DateTime)
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: "null while the pass runs." })
  finishedAt!: Date | null;

  @Field(() => Int, { description: "Models the pass meant to check: those the trail tracks and every model of every backend that may hold a version in a governed stage." })
  modelsTotal!: number;

  @Field(() => Int, { description: "Models whose check ended (compared, or skipped because a promotion of it was being applied)." })
  modelsChecked!: number;

  @Field(() => Int, { description: "Models whose check failed (a backend error, or its deadline: drift.modelTimeoutSeconds)." })
  modelsFailed!: number;

  @Field(() => Boolean, { description: "Every model was reached." })
  complete!: boolean;

  @Field(() => String, { nullable: true, description: "Why the pass did not reach every model (its time budget, a stop); null when it did or while it runs." })
  unfinishedReason!: string | null;

  @Field(() => [DriftCheckFailureType], { description: "The first failures (at most 100), backends whose models could not be listed first." })
  failures!: DriftCheckFailureType[];
}

@ObjectType("DriftStatus", {
  description:
    "The background drift check as this gateway process runs it: kept in memory by the process that runs background work (the leader among replicas); another replica reports polling: false and no passes.",
})
export class DriftStatusType {
  @Field(() => Boolean, { description: "Whether this process runs the background drift check now." })
  polling!: boolean;

  @Field(() => Int)
  intervalSeconds!: number;

  @Field(() => DriftPassType, { nullable: true, description: "The pass under way, with its progress so far." })
  currentPass!: DriftPassType | null;

  @Field(() => DriftPassType, { nullable: true, description: "The last pass that ended." })
  lastPass!: DriftPassType | null;

  @Field(() => DriftModelRefType, { nullable: true, description: "Where the next pass starts (it resumes after an unfinished pass); null: at the first model." })
  resumeAt!: DriftModelRefType | null;
}
