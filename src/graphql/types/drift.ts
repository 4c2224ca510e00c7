import { Field, InputType, Int, ObjectType } from "type-graphql";
import { connectionTypes } from "./connection.js";
import { UserError } from "./common.js";
import { StageEnum } from "./enums.js";
import { DateTime } from "./scalars.js";

@ObjectType("Drift", {
  description:
    "A version whose stage in its backend no longer matches what the promotion trail says: it was changed outside modelgate (an OUT_OF_BAND_CHANGE audit event recorded it once).",
})
export class DriftType {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  version!: string;

  @Field(() => StageEnum, { description: "The stage the promotion trail says the version is in." })
  expectedStage!: string;

  @Field(() => StageEnum, { nullable: true, description: "The stage the backend reports; null when the version no longer exists there." })
  actualStage!: string | null;

  @Field(() => DateTime, { description: "When the drift was first seen." })
  detectedAt!: Date;
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

  @Field(() => Int, { description: "Versions whose stage the trail knows that were compared with the backend." })
  checkedVersions!: number;

  @Field(() => String, {
    nullable: true,
    description: "Why the model was not compared this time (e.g. a promotion of it is being applied); drifts are then the last known ones.",
  })
  skipped?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
