/** GraphQL types of usage, model owners and idle alerts (docs/lifecycle.md#usage-and-idle-alerts). */
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { UserError } from "./common.js";
import { connectionTypes } from "./connection.js";
import { DateTime } from "./scalars.js";

export const UsageSourceEnum = { RESOLVE: "RESOLVE", SERVED: "SERVED" } as const;
registerEnumType(UsageSourceEnum, {
  name: "UsageSource",
  valuesConfig: {
    RESOLVE: { description: "A resolve answered by the gateway (GET /v1/resolve or GraphQL resolve, not asOf)." },
    SERVED: { description: "Requests a serving system reported it served (usageReport)." },
  },
});

export const ModelOwnerSourceEnum = { TAG: "TAG", CONFIG: "CONFIG" } as const;
registerEnumType(ModelOwnerSourceEnum, {
  name: "ModelOwnerSource",
  valuesConfig: {
    TAG: { description: "The model's modelgate.owner / modelgate.owner-contact tags in its backend." },
    CONFIG: { description: "The first lifecycle.owners rule of modelgate.yaml matching the model." },
  },
});

@ObjectType("ModelOwner", { description: "Who owns a model: the team or contact its idle alerts are addressed to." })
export class ModelOwnerType {
  @Field(() => String, { nullable: true })
  team?: string | null;

  @Field(() => String, { nullable: true, description: "How to reach them (e-mail, chat channel, pager service)." })
  contact?: string | null;

  @Field(() => ModelOwnerSourceEnum)
  source!: string;
}

@ObjectType("UsageCaller", { description: "Uses of a version by one caller in one environment over the last 24 hours." })
export class UsageCallerType {
  @Field(() => String, { description: "The principal (token subject, JWT user) that resolved or reported; \"anonymous\" without auth." })
  caller!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => UsageSourceEnum)
  source!: string;

  @Field(() => Float, { description: "A whole number (Float: it may pass 2^31)." })
  count!: number;

  @Field(() => DateTime)
  lastAt!: Date;
}

@ObjectType("VersionUsage", {
  description:
    "How much a version is used: resolves counted by the gateway (flushed to the store every lifecycle.usage.flushIntervalSeconds, so the newest few seconds may be missing) and requests reported served by serving systems (usageReport). Counts are per hour: the 24-hour window starts at the top of the hour 24 hours ago.",
})
export class VersionUsageType {
  @Field(() => String, { nullable: true, description: "The environment counted; null: all of them." })
  environment?: string | null;

  @Field(() => DateTime, { nullable: true, description: "The newest resolve; null: never resolved." })
  lastResolvedAt?: Date | null;

  @Field(() => Float, { description: "Resolves in the last 24 hours (a whole number)." })
  resolves24h!: number;

  @Field(() => DateTime, { nullable: true, description: "The end of the newest window a serving system reported requests served in; null: never reported." })
  lastServedAt?: Date | null;

  @Field(() => Float, { description: "Requests reported served in windows ending in the last 24 hours (a whole number)." })
  served24h!: number;

  /** Which version (for byCaller); not in the schema. */
  backendId!: string;
  modelName!: string;
  version!: string;
}

@ObjectType("IdleAlert", { description: "IDLE_IN_PRODUCTION: a version in a production environment nobody resolved or served for lifecycle.idle.afterDays." })
export class IdleAlertType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => DateTime, { nullable: true, description: "The newest resolve or served report when it was raised; null: never used there." })
  lastUsedAt?: Date | null;

  @Field(() => DateTime)
  raisedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: "null while open." })
  clearedAt?: Date | null;
}

export const { Connection: IdleAlertConnection } = connectionTypes("IdleAlert", () => IdleAlertType);

@InputType({ description: "Requests a serving system served with a version in an environment over a window. Name the version by versionId or by backend, model and version." })
export class UsageReportInput {
  @Field(() => ID, { nullable: true, description: "The ModelVersion's id (instead of backend, model and version)." })
  versionId?: string | null;

  @Field(() => String, { nullable: true })
  backend?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => String, { nullable: true })
  version?: string | null;

  @Field(() => String)
  environment!: string;

  @Field(() => DateTime)
  windowStart!: Date;

  @Field(() => DateTime, { description: "The window's end: the count lands in the usage bucket of this hour. At most 31 days after windowStart, not in the future." })
  windowEnd!: Date;

  @Field(() => Int, { description: "Requests served in the window (0: none)." })
  requests!: number;
}

@ObjectType("UsageReport", { description: "A recorded usageReport." })
export class UsageReportType {
  @Field(() => String)
  backendId!: string;

  @Field(() => String)
  modelName!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => DateTime)
  windowStart!: Date;

  @Field(() => DateTime)
  windowEnd!: Date;

  @Field(() => Int)
  requests!: number;

  @Field(() => String, { description: "The principal that reported (the caller counted)." })
  reportedBy!: string;

  @Field(() => ID, { description: "The usage.report audit event." })
  auditEventId!: string;
}

@ObjectType()
export class UsageReportPayload {
  @Field(() => UsageReportType, { nullable: true })
  usageReport?: UsageReportType | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
