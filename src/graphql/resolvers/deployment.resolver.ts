import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { z } from "zod";
import { encodeDeploymentCursor } from "../../store/deployment-kysely.js";
import type { DeploymentComponent, DeploymentRecord, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { ModelVersion } from "../../core/index.js";
import type { RevisionStatus } from "../../workflow/deployment-state.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { toGlobalId } from "../global-id.js";
import { checkInput } from "../../core/input-check.js";
import {
  DeploymentComponentType,
  DeploymentConnection,
  DeploymentRevisionCreateInput,
  DeploymentRevisionCreatePayload,
  DeploymentRevisionStatusEnum,
  DeploymentRevisionType,
  DeploymentType,
} from "../types/deployment.js";
import { ModelVersionType } from "../types/model-version.js";
import { nullIfNotFound } from "./model.resolver.js";
import { connection, pageSize } from "./paging.js";

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const inputSchema = z.object({
  name: text(128),
  environment: text(64),
  reason: text(2000),
  components: z
    .array(
      z.object({
        role: text(63),
        backend: text(256),
        model: text(256),
        version: text(256),
        weight: z.number().int(),
        shadow: z.boolean(),
      }),
    )
    .max(32, "at most 32 components"),
});

@Resolver()
export class DeploymentQueries {
  @Query(() => DeploymentConnection, { description: "Deployments, by environment then name." })
  async deployments(
    @Ctx() ctx: GatewayContext,
    @Arg("environment", () => String, { nullable: true }) environment: string | undefined,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
  ): Promise<DeploymentConnection> {
    const page = await ctx.services.store.deployments.listDeployments({
      first: pageSize(first, ctx.services.config.server.maxPageSize),
      ...(environment == null ? {} : { environment }),
      ...(after == null ? {} : { after }),
    });
    const edges = page.items.map((item) => ({ item, cursor: encodeDeploymentCursor(item) }));
    return connection(edges, page.nextCursor !== undefined, page.nextCursor);
  }

  @Query(() => DeploymentType, { nullable: true })
  async deployment(
    @Ctx() ctx: GatewayContext,
    @Arg("name", () => String) name: string,
    @Arg("environment", () => String) environment: string,
  ): Promise<DeploymentRecord | null> {
    return (await ctx.services.store.deployments.getDeployment(name, environment)) ?? null;
  }
}

@Resolver()
export class DeploymentMutations {
  @Mutation(() => DeploymentRevisionCreatePayload, {
    description:
      "Records a new immutable revision (DRAFT) of a deployment, creating the deployment on its first revision. Components equal to the latest revision's record nothing (unchanged: true). Needs publisher.",
  })
  async deploymentRevisionCreate(
    @Arg("input", () => DeploymentRevisionCreateInput) input: DeploymentRevisionCreateInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeploymentRevisionCreatePayload> {
    return withUserErrors<DeploymentRevisionCreatePayload>(
      async () => {
        requireRole(ctx, "publisher", "create deployment revisions");
        checkInput(inputSchema, input);
        return ctx.services.deployments.createRevision(
          {
            name: input.name,
            environment: input.environment,
            reason: input.reason,
            components: input.components,
            ...(input.rollout == null ? {} : { rollout: input.rollout }),
          },
          ctx.call,
        );
      },
      { deployment: null, revision: null, unchanged: false },
    );
  }
}

@Resolver(() => DeploymentType)
export class DeploymentResolver {
  @FieldResolver(() => ID)
  id(@Root() root: DeploymentRecord): string {
    return toGlobalId("Deployment", root.id);
  }

  @FieldResolver(() => DeploymentRevisionType, { nullable: true })
  async latestRevision(@Root() root: DeploymentRecord, @Ctx() ctx: GatewayContext): Promise<DeploymentRevisionRecord | null> {
    return (await ctx.services.store.deployments.latestRevision(root.id)) ?? null;
  }

  @FieldResolver(() => [DeploymentRevisionType], { description: "Revisions, newest first (at most `first`)." })
  async revisions(
    @Root() root: DeploymentRecord,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
  ): Promise<DeploymentRevisionRecord[]> {
    return ctx.services.store.deployments.listRevisions(root.id, pageSize(first, ctx.services.config.server.maxPageSize));
  }
}

@Resolver(() => DeploymentRevisionType)
export class DeploymentRevisionResolver {
  @FieldResolver(() => ID)
  id(@Root() root: DeploymentRevisionRecord): string {
    return toGlobalId("DeploymentRevision", root.id);
  }

  @FieldResolver(() => DeploymentType)
  async deployment(@Root() root: DeploymentRevisionRecord, @Ctx() ctx: GatewayContext): Promise<DeploymentRecord> {
    const found = await ctx.services.store.deployments.getDeploymentById(root.deploymentId);
    if (found === undefined) throw new Error(`deployment ${root.deploymentId} of revision ${root.id} is missing`);
    return found;
  }

  @FieldResolver(() => DeploymentRevisionStatusEnum, {
    description: "DRAFT: recorded only; PENDING: a request to run it is open; ACTIVE: the environment runs it; SUPERSEDED: it ran, another runs now.",
  })
  async status(@Root() root: DeploymentRevisionRecord, @Ctx() ctx: GatewayContext): Promise<RevisionStatus> {
    return ctx.services.deploymentState.revisionStatus(root);
  }

  @FieldResolver(() => [DeploymentComponentType])
  components(@Root() root: DeploymentRevisionRecord): DeploymentComponent[] {
    return root.components;
  }
}

@Resolver(() => DeploymentComponentType)
export class DeploymentComponentResolver {
  @FieldResolver(() => Boolean)
  serving(@Root() root: DeploymentComponent): boolean {
    return !root.shadow && root.weight > 0;
  }

  @FieldResolver(() => ModelVersionType, { nullable: true })
  async modelVersion(@Root() root: DeploymentComponent, @Ctx() ctx: GatewayContext): Promise<ModelVersion | null> {
    if (!ctx.services.catalog.has(root.backendId)) return null;
    return ctx.services.catalog.backend(root.backendId).getVersion(root.modelName, root.version, ctx.call).catch(nullIfNotFound);
  }
}
