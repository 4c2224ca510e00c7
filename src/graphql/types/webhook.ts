import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { RegistryEventType } from "../../events/registry-event.js";
import { UserError } from "./common.js";
import { connectionTypes } from "./connection.js";
import { RegistryEventTypeEnum } from "./registry-event.js";
import { DateTime, JSON } from "./scalars.js";

export const WebhookTargetOwnerEnum = { CONFIG: "CONFIG", API: "API" } as const;
registerEnumType(WebhookTargetOwnerEnum, {
  name: "WebhookTargetOwner",
  description: "CONFIG: defined in modelgate.yaml (the API may not change it); API: managed with the webhookTarget* mutations.",
});

export const WebhookDeliveryStatusEnum = { PENDING: "PENDING", SUCCEEDED: "SUCCEEDED", FAILED: "FAILED" } as const;
registerEnumType(WebhookDeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  description: "PENDING: waiting for its turn or its next attempt; SUCCEEDED: the receiver answered 2xx; FAILED: given up after the last attempt.",
});

@ObjectType("WebhookTargetFilter", { description: "Only events about this backend, model and/or environment (unset: any)." })
export class WebhookTargetFilterType {
  @Field(() => String, { nullable: true })
  backend?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => String, { nullable: true })
  environment?: string | null;
}

@ObjectType("WebhookTarget", { description: "Where registry events are POSTed, signed with the target's secret." })
export class WebhookTargetType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [RegistryEventTypeEnum], { description: "Event types sent; empty: every type." })
  events!: RegistryEventType[];

  @Field(() => WebhookTargetFilterType)
  filter!: WebhookTargetFilterType;

  @Field(() => String, { description: "The secret's last 4 characters (the secret itself is write-only)." })
  secretHint!: string;

  @Field(() => WebhookTargetOwnerEnum)
  owner!: string;

  @Field(() => Int, { description: "The last audit seq looked at for this target: events after it are still to be queued." })
  cursorSeq!: number;

  @Field(() => String)
  createdBy!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;
}

@ObjectType("WebhookAttempt", { description: "One POST of a delivery." })
export class WebhookAttemptType {
  @Field(() => Int, { description: "1, 2, 3 ... per delivery." })
  number!: number;

  @Field(() => DateTime)
  at!: Date;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status; null when it did not answer." })
  statusCode?: number | null;

  @Field(() => String, { nullable: true, description: "Why it failed: a network error, the timeout, or a non-2xx status." })
  error?: string | null;

  @Field(() => Boolean)
  success!: boolean;
}

@ObjectType("WebhookDelivery", { description: "One event for one target, with every attempt to send it." })
export class WebhookDeliveryType {
  @Field(() => ID, { description: "Sent as Modelgate-Delivery and signed with the body." })
  id!: string;

  @Field(() => String)
  targetId!: string;

  @Field(() => Int, { description: "Order of delivery within the target (deliveries are sent strictly in this order)." })
  position!: number;

  @Field(() => Int, { description: "The audit seq of the event." })
  eventSeq!: number;

  @Field(() => String, { description: "The audit event's UUID (the same in every delivery of the event)." })
  eventId!: string;

  @Field(() => RegistryEventTypeEnum)
  eventType!: string;

  @Field(() => JSON, { description: "The event as sent in the body's `event`." })
  event!: unknown;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: string;

  @Field(() => Int)
  attemptCount!: number;

  @Field(() => DateTime, { nullable: true, description: "When the next attempt is due (PENDING only)." })
  nextAttemptAt?: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatusCode?: number | null;

  @Field(() => String, { nullable: true })
  lastError?: string | null;

  @Field(() => String, { nullable: true, description: "The delivery this one redelivers (webhookDeliveryRedeliver of a succeeded delivery)." })
  redeliveryOf?: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: "When it succeeded or was given up." })
  completedAt?: Date | null;

  @Field(() => [WebhookAttemptType], { description: "Oldest first." })
  attempts!: WebhookAttemptType[];
}

export const WebhookDeliveryConnection = connectionTypes("WebhookDelivery", () => WebhookDeliveryType).Connection;
export type WebhookDeliveryConnection = InstanceType<typeof WebhookDeliveryConnection>;

@InputType()
export class WebhookTargetFilterInput {
  @Field(() => String, { nullable: true })
  backend?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => String, { nullable: true })
  environment?: string | null;
}

@InputType()
export class WebhookTargetCreateInput {
  @Field(() => String, { description: "Lower-case id: ^[a-z0-9][a-z0-9_-]{0,62}$." })
  id!: string;

  @Field(() => String, { description: "An http:// or https:// URL." })
  url!: string;

  @Field(() => String, { description: "HMAC-SHA256 signing key, at least 16 characters. Write-only." })
  secret!: string;

  @Field(() => [RegistryEventTypeEnum], { nullable: true, description: "Event types to send; absent or empty: every type." })
  events?: RegistryEventType[] | null;

  @Field(() => WebhookTargetFilterInput, { nullable: true })
  filter?: WebhookTargetFilterInput | null;
}

@InputType({ description: "Fields left out stay as they are." })
export class WebhookTargetUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true })
  secret?: string | null;

  @Field(() => [RegistryEventTypeEnum], { nullable: true })
  events?: RegistryEventType[] | null;

  @Field(() => WebhookTargetFilterInput, { nullable: true, description: "Replaces the whole filter." })
  filter?: WebhookTargetFilterInput | null;
}

@InputType()
export class WebhookTargetDeleteInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class WebhookDeliveryRedeliverInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class WebhookTargetPayload {
  @Field(() => WebhookTargetType, { nullable: true })
  target?: WebhookTargetType | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class WebhookTargetDeletePayload {
  @Field(() => ID, { nullable: true })
  deletedId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class WebhookDeliveryRedeliverPayload {
  @Field(() => WebhookDeliveryType, { nullable: true, description: "The delivery that will be sent: the same one, or a new copy for a succeeded one." })
  delivery?: WebhookDeliveryType | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
