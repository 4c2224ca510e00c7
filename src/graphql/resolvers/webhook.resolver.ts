import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { targetView, WebhookTargets, type WebhookTargetView } from "../../events/webhook-targets.js";
import { TargetGuard } from "../../events/webhook-transport.js";
import { encodeWebhookDeliveryCursor } from "../../store/webhook-kysely.js";
import type { WebhookAttemptRecord, WebhookDeliveryRecord, WebhookDeliveryStatus } from "../../store/webhook-store.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import {
  WebhookAttemptType,
  WebhookDeliveryConnection,
  WebhookDeliveryRedeliverInput,
  WebhookDeliveryRedeliverPayload,
  WebhookDeliveryStatusEnum,
  WebhookDeliveryType,
  WebhookTargetCreateInput,
  WebhookTargetDeleteInput,
  WebhookTargetDeletePayload,
  WebhookTargetFilterType,
  WebhookTargetPayload,
  WebhookTargetType,
  WebhookTargetUpdateInput,
} from "../types/webhook.js";
import { JSON as JSONScalar } from "../types/scalars.js";
import { connection, pageSize } from "./paging.js";

/** A delivery, with its attempts when the query already read them. */
type DeliveryRoot = WebhookDeliveryRecord & { attempts?: WebhookAttemptRecord[] };

const who = (ctx: GatewayContext) => ({ actor: ctx.actor.id, requestId: ctx.requestId });
const targets = (ctx: GatewayContext) =>
  new WebhookTargets(ctx.services.store, new TargetGuard({ allowPrivateTargets: ctx.services.config.webhookEgress.allowPrivateTargets }));

@Resolver()
export class WebhookQueries {
  @Query(() => [WebhookTargetType], { description: "Every webhook target, by id. Needs admin." })
  async webhookTargets(@Ctx() ctx: GatewayContext): Promise<WebhookTargetView[]> {
    requireRole(ctx, "admin", "list webhook targets");
    return (await ctx.services.store.webhooks.listTargets()).map(targetView);
  }

  @Query(() => WebhookDeliveryConnection, { description: "A target's delivery log, newest first, each delivery with its attempts. Needs admin." })
  async webhookDeliveries(
    @Ctx() ctx: GatewayContext,
    @Arg("targetId", () => ID) targetId: string,
    @Arg("status", () => WebhookDeliveryStatusEnum, { nullable: true }) status: WebhookDeliveryStatus | undefined,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
  ): Promise<WebhookDeliveryConnection> {
    requireRole(ctx, "admin", "read webhook deliveries");
    const page = await ctx.services.store.webhooks.listDeliveries({
      targetId,
      first: pageSize(first, ctx.services.config.server.maxPageSize),
      ...(status == null ? {} : { status }),
      ...(after == null ? {} : { after }),
    });
    // Every attempt of the page in one query, not one per delivery.
    const attempts = await ctx.services.store.webhooks.listAttempts(page.items.map((d) => d.id));
    const edges = page.items.map((d): { item: DeliveryRoot; cursor: string } => ({
      item: { ...d, attempts: attempts.filter((a) => a.deliveryId === d.id) },
      cursor: encodeWebhookDeliveryCursor(d),
    }));
    return connection(edges, page.nextCursor !== undefined, page.nextCursor);
  }
}

@Resolver()
export class WebhookMutations {
  @Mutation(() => WebhookTargetPayload, {
    description: "Adds a webhook target managed through the API. It gets the events recorded after it was created. Needs admin.",
  })
  async webhookTargetCreate(
    @Arg("input", () => WebhookTargetCreateInput) input: WebhookTargetCreateInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<WebhookTargetPayload> {
    return withUserErrors<WebhookTargetPayload>(
      async () => {
        requireRole(ctx, "admin", "create webhook targets");
        return { target: targetView(await targets(ctx).create(input, who(ctx))) as unknown as WebhookTargetType };
      },
      { target: null },
    );
  }

  @Mutation(() => WebhookTargetPayload, { description: "Changes an API-managed webhook target (not one from modelgate.yaml). Needs admin." })
  async webhookTargetUpdate(
    @Arg("input", () => WebhookTargetUpdateInput) input: WebhookTargetUpdateInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<WebhookTargetPayload> {
    return withUserErrors<WebhookTargetPayload>(
      async () => {
        requireRole(ctx, "admin", "update webhook targets");
        return { target: targetView(await targets(ctx).update(input, who(ctx))) as unknown as WebhookTargetType };
      },
      { target: null },
    );
  }

  @Mutation(() => WebhookTargetDeletePayload, {
    description: "Removes an API-managed webhook target with its delivery log (not one from modelgate.yaml). Needs admin.",
  })
  async webhookTargetDelete(
    @Arg("input", () => WebhookTargetDeleteInput) input: WebhookTargetDeleteInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<WebhookTargetDeletePayload> {
    return withUserErrors<WebhookTargetDeletePayload>(
      async () => {
        requireRole(ctx, "admin", "delete webhook targets");
        return { deletedId: await targets(ctx).delete(input.id, who(ctx)) };
      },
      { deletedId: null },
    );
  }

  @Mutation(() => WebhookDeliveryRedeliverPayload, {
    description:
      "Queues a delivery again: a pending one is tried now with a fresh attempt budget; a failed one moves to the end of the target's queue; " +
      "for a succeeded one a new delivery of the same event is queued at the end. Needs admin.",
  })
  async webhookDeliveryRedeliver(
    @Arg("input", () => WebhookDeliveryRedeliverInput) input: WebhookDeliveryRedeliverInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<WebhookDeliveryRedeliverPayload> {
    return withUserErrors<WebhookDeliveryRedeliverPayload>(
      async () => {
        requireRole(ctx, "admin", "redeliver webhooks");
        return { delivery: (await targets(ctx).redeliver(input.id, who(ctx))) as unknown as WebhookDeliveryType };
      },
      { delivery: null },
    );
  }
}

@Resolver(() => WebhookTargetType)
export class WebhookTargetResolver {
  @FieldResolver(() => WebhookTargetFilterType)
  filter(@Root() root: WebhookTargetView): WebhookTargetFilterType {
    return { backend: root.filter.backendId ?? null, model: root.filter.modelName ?? null, environment: root.filter.environment ?? null };
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @FieldResolver(() => JSONScalar)
  event(@Root() root: WebhookDeliveryRecord): unknown {
    return JSON.parse(root.eventJson);
  }

  @FieldResolver(() => [WebhookAttemptType])
  async attempts(@Root() root: DeliveryRoot, @Ctx() ctx: GatewayContext): Promise<WebhookAttemptRecord[]> {
    return root.attempts ?? ctx.services.store.webhooks.listAttempts([root.id]);
  }
}
