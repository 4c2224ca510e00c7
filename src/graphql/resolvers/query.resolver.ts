import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, ID, Info, Int, Query, Resolver } from "type-graphql";
import type { ModelVersion, RegisteredModel } from "../../core/index.js";
import { encodeAuditCursor } from "../../store/audit-cursor.js";
import type { AuditEvent } from "../../store/store.js";
import type { GatewayContext } from "../context.js";
import { toGraphQLError } from "../errors.js";
import { fromGlobalId } from "../global-id.js";
import { BackendType, type BackendRoot } from "../types/backend.js";
import { AuditEventConnection, ModelConnection } from "../types/connections.js";
import { AuditEventFilter, ModelFilter } from "../types/inputs.js";
import { RegisteredModelType } from "../types/model.js";
import { ModelVersionType } from "../types/model-version.js";
import { Node } from "../types/node.js";
import { Environment, Resolution } from "../types/resolved-entry.js";
import { DateTime } from "../types/scalars.js";
import { toModelFilter } from "./filters.js";
import { nullIfNotFound } from "./model.resolver.js";
import { connection, pageSize, withAsOf, type AsOfRoot } from "./paging.js";
import { modelByItsVersions } from "./versions-prefetch.js";

@Resolver()
export class QueryResolver {
  @Query(() => Node, { nullable: true, description: "Refetches any object by its global id." })
  async node(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<object | null> {
    const { type, key } = fromGlobalId(id);
    const { catalog, store } = ctx.services;
    switch (type) {
      case "Backend": {
        const [backendId] = key as [string];
        return catalog.has(backendId) ? backendRoot(ctx, backendId) : null;
      }
      case "RegisteredModel": {
        const [backendId, name] = key as [string, string];
        if (!catalog.has(backendId)) return null;
        return catalog.backend(backendId).getModel(name, ctx.call).catch(nullIfNotFound);
      }
      case "ModelVersion": {
        const [backendId, name, version] = key as [string, string, string];
        if (!catalog.has(backendId)) return null;
        return catalog.backend(backendId).getVersion(name, version, ctx.call).catch(nullIfNotFound);
      }
      case "AuditEvent":
        return (await store.getAudit(key[0] as string)) ?? null;
      case "PromotionRequest":
        return (await store.workflow.getRequest(key[0] as string)) ?? null;
      case "Deployment":
        return (await store.deployments.getDeploymentById(key[0] as string)) ?? null;
      case "DeploymentRevision":
        return (await store.deployments.getRevision(key[0] as string)) ?? null;
    }
  }

  @Query(() => [Node], { nullable: "items", description: "Refetches several objects; unknown ids give null." })
  async nodes(@Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: GatewayContext): Promise<(object | null)[]> {
    if (ids.length > ctx.services.config.server.maxPageSize) {
      throw new GraphQLError(`at most ${ctx.services.config.server.maxPageSize} ids per call`, { extensions: { code: "BAD_USER_INPUT" } });
    }
    return Promise.all(ids.map((id) => this.node(id, ctx)));
  }

  @Query(() => [BackendType], { description: "Every configured backend, in config order." })
  backends(@Ctx() ctx: GatewayContext): BackendRoot[] {
    return ctx.services.catalog.backendIds().map((id) => backendRoot(ctx, id));
  }

  @Query(() => BackendType, { nullable: true })
  backend(@Arg("id", () => String) id: string, @Ctx() ctx: GatewayContext): BackendRoot | null {
    return ctx.services.catalog.has(id) ? backendRoot(ctx, id) : null;
  }

  @Query(() => [Environment], { description: "Environments from modelgate.yaml and the stage each runs." })
  environments(@Ctx() ctx: GatewayContext): Environment[] {
    return Object.entries(ctx.services.config.environments).map(([name, spec]) => ({ name, stage: spec.stage, resolveFrom: spec.resolveFrom === "trail" ? "TRAIL" : "BACKEND" }));
  }

  @Query(() => ModelConnection, {
    description:
      "Models across all backends (or one), merged by name. Backends are called in parallel; one that fails is listed in failedBackends and reported in errors with extensions.backend, while the others' models still come back.",
  })
  async models(
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
    @Arg("backend", () => String, { nullable: true }) backend: string | undefined,
    @Arg("filter", () => ModelFilter, { nullable: true }) filter: ModelFilter | undefined,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
    @Arg("asOf", () => DateTime, { nullable: true, description: "Read as of this time (backends with history only)." })
    asOf: Date | undefined,
  ): Promise<ModelConnection> {
    const page = await ctx.services.catalog.listModels(
      {
        first: pageSize(first, ctx.services.config.server.maxPageSize),
        ...(backend == null ? {} : { backend }),
        ...(filter == null ? {} : { filter: toModelFilter(filter) }),
        ...(after == null ? {} : { after }),
        ...(asOf == null ? {} : { asOf }),
      },
      ctx.call,
    );
    const path = responsePathAsArray(info.path);
    const failedBackends = page.failures.map((f) => {
      const err = f.error as Parameters<typeof toGraphQLError>[0];
      ctx.partialErrors.push(toGraphQLError(err, path));
      return { backendId: f.sourceId, code: String(toGraphQLError(err).extensions.code), message: err.message };
    });
    const edges = page.edges.map((e) => ({ item: withAsOf(e.item, asOf ?? undefined), cursor: e.cursor }));
    return { ...connection(edges, page.hasNextPage, page.endCursor), failedBackends };
  }

  @Query(() => RegisteredModelType, { nullable: true })
  async model(
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
    @Arg("backend", () => String) backend: string,
    @Arg("name", () => String) name: string,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
  ): Promise<AsOfRoot<RegisteredModel> | null> {
    // Only its versions asked for: the versions page is read first and proves the model exists.
    const byVersions = await modelByItsVersions(ctx, info, backend, name, asOf ?? undefined);
    if (byVersions !== undefined) return byVersions;
    const read = asOf == null ? {} : { asOf };
    return ctx.services.catalog
      .backend(backend)
      .getModel(name, ctx.call, read)
      .then((m) => withAsOf(m, asOf ?? undefined), nullIfNotFound);
  }

  @Query(() => ModelVersionType, { nullable: true, description: "A version by number or by alias (give exactly one)." })
  async modelVersion(
    @Ctx() ctx: GatewayContext,
    @Arg("backend", () => String) backend: string,
    @Arg("model", () => String) model: string,
    @Arg("version", () => String, { nullable: true }) version: string | undefined,
    @Arg("alias", () => String, { nullable: true }) alias: string | undefined,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
  ): Promise<AsOfRoot<ModelVersion> | null> {
    if ((version == null) === (alias == null)) {
      throw new GraphQLError("give exactly one of version and alias", { extensions: { code: "BAD_USER_INPUT" } });
    }
    const adapter = ctx.services.catalog.backend(backend);
    const read = asOf == null ? {} : { asOf };
    const found = version != null ? adapter.getVersion(model, version, ctx.call, read) : adapter.getVersionByAlias(model, alias as string, ctx.call, read);
    return found.then((v) => withAsOf(v, asOf ?? undefined), nullIfNotFound);
  }

  @Query(() => Resolution, {
    description:
      "What an application in `environment` should run. `name` is a deployment's name (when a revision of it runs in the environment: the whole bundle, ResolvedDeployment), or a model's \"name\" or \"backend/name\" (ResolvedEntry: its generation config with prompt and tools inlined, artifact, the registry version to log, and an ETag; an alias named after the environment wins, otherwise the newest version in the environment's stage).",
  })
  async resolve(
    @Ctx() ctx: GatewayContext,
    @Arg("name", () => String) name: string,
    @Arg("environment", () => String) environment: string,
    @Arg("asOf", () => DateTime, { nullable: true }) asOf: Date | undefined,
  ): Promise<Resolution> {
    const at = asOf ?? undefined;
    if (at === undefined) {
      // Now: the answer kept until something it depends on changes (src/workflow/resolve-answers.ts).
      const { answer } = await ctx.services.resolveAnswers.get(name, environment, ctx.call);
      ctx.services.usage.record(answer, environment, ctx.actor.id);
      if (answer.kind === "model") return { kind: "MODEL", ...answer.entry } as Resolution;
      const d = answer.deployment;
      return { kind: "DEPLOYMENT", ...d, revision: d.revision.number, contentHash: d.revision.contentHash, rollout: resolvedRollout(d) } as Resolution;
    }
    const deployment = await ctx.services.deploymentResolver.find(name, environment, at);
    if (deployment !== undefined) {
      const d = await ctx.services.deploymentResolver.resolve(deployment, ctx.call, at);
      return { kind: "DEPLOYMENT", ...d, revision: d.revision.number, contentHash: d.revision.contentHash, rollout: resolvedRollout(d) } as Resolution;
    }
    const entry = await ctx.services.resolver.resolve({ name, environment, ...(at === undefined ? {} : { asOf: at }) }, ctx.call);
    return { kind: "MODEL", ...entry } as Resolution;
  }

  @Query(() => AuditEventConnection, { description: "The audit trail, newest first unless filter.order is ASC." })
  async auditEvents(
    @Ctx() ctx: GatewayContext,
    @Arg("filter", () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
  ): Promise<AuditEventConnection> {
    const order = filter?.order === "ASC" ? "asc" : "desc";
    const page = await ctx.services.store.listAudit({
      first: pageSize(first, ctx.services.config.server.maxPageSize),
      ...(after == null ? {} : { after }),
      order,
      filter: {
        ...(filter?.actor == null ? {} : { actor: filter.actor }),
        ...(filter?.action == null ? {} : { action: filter.action }),
        ...(filter?.backend == null ? {} : { backendId: filter.backend }),
        ...(filter?.model == null ? {} : { modelName: filter.model }),
        ...(filter?.from == null ? {} : { from: filter.from }),
        ...(filter?.to == null ? {} : { to: filter.to }),
      },
    });
    // Every event's own cursor resumes right after it.
    const edges = page.items.map((item: AuditEvent) => ({ item, cursor: encodeAuditCursor(item.seq, order) }));
    return connection(edges, page.nextCursor !== undefined, page.nextCursor);
  }
}

function backendRoot(ctx: GatewayContext, backendId: string): BackendRoot {
  return { backendId, kind: ctx.services.catalog.backend(backendId).info.kind };
}

/** The rollout part of a resolved deployment (docs/lifecycle.md#guarded-rollouts). */
function resolvedRollout(d: { rollout?: { step: number; weight: number; fromRevision: { number: number } } }): { step: number; weight: number; fromRevision: number } | null {
  return d.rollout === undefined ? null : { step: d.rollout.step + 1, weight: d.rollout.weight, fromRevision: d.rollout.fromRevision.number };
}
