/**
 * Shadow evidence (shadowReport, ModelVersion.shadowReports) and protected alias moves
 * (aliasMoveRequest, PromotionRequest.alias): docs/lifecycle.md.
 */
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from "type-graphql";
import { GraphQLError } from "graphql";
import { z } from "zod";
import { checkInput, idempotencyKeyInput, nameInput, reasonInput } from "../../core/input-check.js";
import { encodeOpaqueCursor, type ModelVersion } from "../../core/index.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import type { ShadowReportRecord } from "../../store/lifecycle-store.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { ModelVersionType } from "../types/model-version.js";
import { PromotionRequestType } from "../types/promotion.js";
import {
  AliasMoveRequestInput,
  AliasMoveRequestPayload,
  ShadowReportConnection,
  ShadowReportInput,
  ShadowReportPayload,
} from "../types/shadow-alias.js";
import { connection, pageSize } from "./paging.js";

const name = nameInput;
const alias = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_'");
const reason = reasonInput;
const text = z.string().max(2000, "must be at most 2000 characters").optional().nullable();
const optional = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

const cursorOf = (r: ShadowReportRecord): string => encodeOpaqueCursor(`shadow:${r.id}`);

@Resolver()
export class ShadowAliasMutations {
  @Mutation(() => ShadowReportPayload, {
    description:
      "Records what a shadow version did against the primary over a window (requests, agreement, latency, errors): the SHADOW gate's evidence. Re-evaluates the version's pending requests in the environment. Needs publisher. Audited.",
  })
  async shadowReport(@Arg("input", () => ShadowReportInput) input: ShadowReportInput, @Ctx() ctx: GatewayContext): Promise<ShadowReportPayload> {
    return withUserErrors<ShadowReportPayload>(async () => {
      requireRole(ctx, "publisher", "record shadow reports");
      checkInput(
        z.object({
          backend: name,
          model: name,
          version: name,
          primaryVersion: name.optional().nullable(),
          environment: name,
          evidence: z.string().max(2048, "must be at most 2048 characters").optional().nullable(),
          notes: text,
        }),
        input,
      );
      const primaryVersion = optional(input.primaryVersion);
      const p50 = optional(input.latencyP50Ms);
      const p95 = optional(input.latencyP95Ms);
      const evidence = optional(input.evidence);
      const notes = optional(input.notes);
      const shadowReport = await ctx.services.shadowReports.record(
        {
          backend: input.backend.trim(),
          model: input.model.trim(),
          version: input.version.trim(),
          environment: input.environment.trim(),
          ...(primaryVersion === undefined ? {} : { primaryVersion: primaryVersion.trim() }),
          windowStart: input.windowStart,
          windowEnd: input.windowEnd,
          requests: input.requests,
          agreementRate: input.agreementRate,
          ...(p50 === undefined ? {} : { latencyP50Ms: p50 }),
          ...(p95 === undefined ? {} : { latencyP95Ms: p95 }),
          errorRate: input.errorRate,
          ...(evidence === undefined ? {} : { evidence }),
          ...(notes === undefined ? {} : { notes }),
        },
        ctx.call,
      );
      return { shadowReport };
    }, { shadowReport: null });
  }

  @Mutation(() => AliasMoveRequestPayload, {
    description:
      "Requests pointing a protected alias (policies.protectedAliases) at a version: the gates and approvals of the protecting entry's environment apply, and the outbox moves the alias once approved. Needs publisher. Audited.",
  })
  async aliasMoveRequest(
    @Arg("input", () => AliasMoveRequestInput) input: AliasMoveRequestInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<AliasMoveRequestPayload> {
    return withUserErrors<AliasMoveRequestPayload>(async () => {
      requireRole(ctx, "publisher", "request alias moves");
      checkInput(
        z.object({
          backend: name,
          model: name,
          alias,
          version: name,
          reason,
          idempotencyKey: idempotencyKeyInput,
          expectedCurrentVersion: z.string().max(256).optional().nullable(),
        }),
        input,
      );
      const idempotencyKey = optional(input.idempotencyKey);
      const expected = optional(input.expectedCurrentVersion);
      const { request, replayed } = await ctx.services.aliasMoves.request(
        {
          backend: input.backend.trim(),
          model: input.model.trim(),
          alias: input.alias,
          version: input.version.trim(),
          reason: input.reason,
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          ...(expected === undefined ? {} : { expectedCurrentVersion: expected }),
        },
        ctx.call,
      );
      return { promotionRequest: request, replayed };
    }, { promotionRequest: null, replayed: false });
  }
}

@Resolver(() => ModelVersionType)
export class ModelVersionShadowResolver {
  @FieldResolver(() => ShadowReportConnection, { description: "Shadow reports of this version (shadowReport), newest window first; of one environment when given." })
  async shadowReports(
    @Root() root: ModelVersion,
    @Ctx() ctx: GatewayContext,
    @Arg("environment", () => String, { nullable: true }) environment: string | undefined,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
  ): Promise<ShadowReportConnection> {
    const size = pageSize(first, ctx.services.config.server.maxPageSize);
    const all = await ctx.services.shadowReports.list(root.backendId, root.modelName, root.version, environment ?? undefined);
    let start = 0;
    if (after != null) {
      const index = all.findIndex((r) => cursorOf(r) === after);
      if (index < 0) throw new GraphQLError(`after: not a cursor of this connection`, { extensions: { code: "BAD_USER_INPUT", field: "after" } });
      start = index + 1;
    }
    const page = all.slice(start, start + size);
    return connection(
      page.map((item) => ({ item, cursor: cursorOf(item) })),
      start + size < all.length,
      after ?? undefined,
    ) as ShadowReportConnection;
  }
}

@Resolver(() => PromotionRequestType)
export class PromotionRequestAliasField {
  @FieldResolver(() => String, { nullable: true, description: "A protected alias move: the alias the apply points at `version` (the stage does not change)." })
  alias(@Root() root: PromotionRequestRecord): string | null {
    return root.alias ?? null;
  }
}
