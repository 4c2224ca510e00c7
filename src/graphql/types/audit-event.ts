import { Field, Int, ObjectType } from "type-graphql";
import { AuditOutcomeEnum } from "./enums.js";
import { Node } from "./node.js";
import { DateTime, JSON } from "./scalars.js";

@ObjectType("AuditEvent", {
  implements: Node,
  description: "One entry of the append-only, hash-chained audit trail.",
})
export class AuditEventType extends Node {
  @Field(() => Int, { description: "Gap-free position in the trail." })
  seq!: number;

  @Field(() => DateTime)
  at!: Date;

  @Field(() => String)
  actor!: string;

  @Field(() => String, { description: "e.g. model_version.register, alias.set, alias.remove." })
  action!: string;

  @Field(() => String)
  targetType!: string;

  @Field(() => String)
  target!: string;

  @Field(() => String, { nullable: true })
  backendId?: string;

  @Field(() => String, { nullable: true })
  modelName?: string;

  @Field(() => JSON, { nullable: true })
  before?: unknown;

  @Field(() => JSON, { nullable: true })
  after?: unknown;

  @Field(() => String, { nullable: true })
  reason?: string;

  @Field(() => AuditOutcomeEnum)
  outcome!: keyof typeof AuditOutcomeEnum;

  @Field(() => String, { nullable: true })
  error?: string;

  @Field(() => String, { nullable: true })
  requestId?: string;

  @Field(() => String, { description: "SHA-256 of the previous event (empty for the first)." })
  prevHash!: string;

  @Field(() => String, { description: "SHA-256 of prevHash and this event's canonical JSON (RFC 8785)." })
  hash!: string;
}
