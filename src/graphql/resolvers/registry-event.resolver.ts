import { GraphQLError } from "graphql";
import { Arg, FieldResolver, ID, Int, Resolver, Root, Subscription, type PubSub, type SubscribeResolverData } from "type-graphql";
import { InvalidInputError, UnsupportedError } from "../../core/index.js";
import { EventFeedStoppedError, SubscriberTooSlowError, type EventFeed, type EventStream } from "../../events/event-feed.js";
import type { RegistryEvent, RegistryEventFilter as CoreFilter } from "../../events/registry-event.js";
import { requireRole } from "../authz.js";
import { SUBSCRIPTIONS_OVER_HTTP } from "../subscription-rules.js";
import type { GatewayContext } from "../context.js";
import { toGlobalId } from "../global-id.js";
import { RegistryEventFilter, RegistryEventObject } from "../types/registry-event.js";

/** The context of operations over the WebSocket transport: the HTTP context plus the process's event feed. */
export interface SubscriptionContext extends GatewayContext {
  events: EventFeed;
}

/** extensions.code of the errors that end a registry event stream; safe to show in every mode. */
export const SUBSCRIPTION_ERROR_CODES = ["SUBSCRIBER_TOO_SLOW", "SHUTTING_DOWN"] as const;

/**
 * type-graphql needs a PubSub as soon as the schema has a subscription, even when every
 * subscription brings its own `subscribe` (as ours do: events come from the audit trail, through
 * src/events/event-feed.ts). This one is never used by our subscriptions; a topic-based
 * subscription added later fails loudly instead of silently never firing.
 */
export const NO_TOPICS_PUB_SUB: PubSub = {
  publish(routingKey) {
    throw new Error(`subscriptions take their events from the audit trail; nothing can be published to topic "${routingKey}"`);
  },
  subscribe(routingKey) {
    throw new Error(`subscriptions take their events from the audit trail; there is no topic "${routingKey}"`);
  },
};

const OVER_HTTP = SUBSCRIPTIONS_OVER_HTTP;

interface RegistryEventsArgs {
  filter?: RegistryEventFilter | null;
  afterSeq?: number | null;
}

/** The error a stream ends with, as the client sees it. */
function streamError(err: unknown): unknown {
  if (err instanceof SubscriberTooSlowError) {
    return new GraphQLError(err.message, { originalError: err, extensions: { code: "SUBSCRIBER_TOO_SLOW", lastSeq: err.lastSeq } });
  }
  if (err instanceof EventFeedStoppedError) {
    return new GraphQLError(err.message, { originalError: err, extensions: { code: "SHUTTING_DOWN" } });
  }
  return err;
}

/**
 * The feed's stream as the subscription's source. Not an async generator: `return()` (the client
 * unsubscribed, or the socket closed) must unsubscribe at once, even while `next()` is waiting.
 */
function deliver(stream: EventStream): AsyncIterableIterator<RegistryEvent> {
  const source: AsyncIterableIterator<RegistryEvent> = {
    next: () =>
      stream.next().catch((err: unknown) => {
        throw streamError(err);
      }),
    return: () => stream.return(),
    [Symbol.asyncIterator]: () => source,
  };
  return source;
}

function coreFilter(filter: RegistryEventFilter | null | undefined): CoreFilter {
  return {
    ...(filter?.types == null ? {} : { types: filter.types }),
    ...(filter?.backend == null ? {} : { backendId: filter.backend }),
    ...(filter?.model == null ? {} : { modelName: filter.model }),
    ...(filter?.environment == null ? {} : { environment: filter.environment }),
  };
}

export function subscribeRegistryEvents(ctx: GatewayContext & Partial<Pick<SubscriptionContext, "events">>, args: RegistryEventsArgs): AsyncIterableIterator<RegistryEvent> {
  requireRole(ctx, "viewer", "subscribe to registry events");
  if (ctx.events === undefined) {
    throw new UnsupportedError(OVER_HTTP);
  }
  const afterSeq = args.afterSeq ?? undefined;
  if (afterSeq !== undefined && afterSeq < 0) {
    throw new InvalidInputError(`afterSeq must be at least 0, got ${afterSeq}`, { field: "afterSeq" });
  }
  return deliver(ctx.events.subscribe({ filter: coreFilter(args.filter), ...(afterSeq === undefined ? {} : { afterSeq }) }));
}

@Resolver(() => RegistryEventObject)
export class RegistryEventResolver {
  @Subscription(() => RegistryEventObject, {
    description:
      "Registry changes as they happen, from every replica: registrations, alias and stage changes, promotions, approvals, " +
      "evidence, deployments and drift (needs the viewer role; WebSocket only, graphql-transport-ws protocol at /graphql). " +
      "In seq order. Without afterSeq it starts now; with afterSeq it first delivers every matching event after that seq, " +
      "so resubscribing with the last seq received continues without a gap. A subscriber that falls too far behind is ended " +
      "with an error whose extensions.code is SUBSCRIBER_TOO_SLOW and extensions.lastSeq the seq to resume after.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, RegistryEventsArgs, GatewayContext & Partial<Pick<SubscriptionContext, "events">>>) =>
      subscribeRegistryEvents(context, args),
  })
  registryEvents(
    @Root() event: RegistryEvent | undefined,
    @Arg("filter", () => RegistryEventFilter, { nullable: true }) _filter: RegistryEventFilter | undefined,
    @Arg("afterSeq", () => Int, {
      nullable: true,
      description: "Deliver the events after this seq first (0: the whole trail), then the live ones; absent: from now on.",
    })
    _afterSeq: number | undefined,
  ): RegistryEvent {
    // Executed without a source event: the operation came over HTTP, which runs it like a query.
    if (event === undefined) throw new UnsupportedError(OVER_HTTP);
    return event;
  }

  @FieldResolver(() => ID)
  id(@Root() event: RegistryEvent): string {
    return toGlobalId("AuditEvent", event.id);
  }
}
