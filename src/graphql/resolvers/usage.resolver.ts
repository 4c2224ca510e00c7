/**
 * Usage and idle alerts (docs/lifecycle.md#usage-and-idle-alerts): ModelVersion.usage,
 * RegisteredModel.owner, RunningVersion.idleAlert, the idleAlerts query and the usageReport mutation.
 * Usage of many versions in one response is read with one batched store query (a per-request
 * DataLoader), open idle alerts once per environment.
 */
import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { z } from "zod";
import type { ModelVersion, RegisteredModel } from "../../core/index.js";
import { checkInput, nameInput } from "../../core/input-check.js";
import { InvalidInputError } from "../../core/index.js";
import type { IdleAlertRecord, UsageByCaller, UsageSummary } from "../../store/lifecycle-store.js";
import type { RunningVersion } from "../../workflow/deployment-state.js";
import type { ModelOwner } from "../../workflow/lifecycle/owners.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { expectGlobalId } from "../global-id.js";
import { ModelVersionType } from "../types/model-version.js";
import { RegisteredModelType } from "../types/model.js";
import { RunningVersionType } from "../types/deployment-state.js";
import {
  IdleAlertConnection,
  IdleAlertType,
  ModelOwnerType,
  UsageCallerType,
  UsageReportInput,
  UsageReportPayload,
  VersionUsageType,
} from "../types/usage.js";
import { connection, pageSize, type AsOfRoot } from "./paging.js";

const DAY_MS = 86_400_000;

interface UsageKey {
  backendId: string;
  modelName: string;
  version: string;
  environment: string | undefined;
}

interface RequestLoaders {
  usage: DataLoader<UsageKey, UsageSummary, string>;
  idle: DataLoader<string, IdleAlertRecord[], string>;
}

/** One set per request (the context object lives as long as the request). */
const perRequest = new WeakMap<GatewayContext, RequestLoaders>();

function loaders(ctx: GatewayContext): RequestLoaders {
  let found = perRequest.get(ctx);
  if (found !== undefined) return found;
  const lifecycle = ctx.services.store.lifecycle;
  const since = () => new Date(ctx.services.usage.now() - DAY_MS);
  found = {
    usage: new DataLoader<UsageKey, UsageSummary, string>(
      async (keys) => {
        // One batched query per environment asked (usually one: all of them).
        const out = new Array<UsageSummary>(keys.length);
        const byEnv = new Map<string | undefined, number[]>();
        keys.forEach((k, i) => byEnv.set(k.environment, [...(byEnv.get(k.environment) ?? []), i]));
        for (const [environment, indexes] of byEnv) {
          const sums = await lifecycle.usageSummaries(
            indexes.map((i) => keys[i]!),
            since(),
            environment,
          );
          indexes.forEach((i, j) => (out[i] = sums[j]!));
        }
        return out;
      },
      { cacheKeyFn: (k) => JSON.stringify([k.backendId, k.modelName, k.version, k.environment ?? null]) },
    ),
    idle: new DataLoader<string, IdleAlertRecord[], string>((envs) => Promise.all(envs.map((env) => lifecycle.listOpenIdleAlerts(env)))),
  };
  perRequest.set(ctx, found);
  return found;
}

const ownerOut = (owner: ModelOwner | null): ModelOwnerType | null => owner;

@Resolver(() => ModelVersionType)
export class ModelVersionUsageResolver {
  @FieldResolver(() => VersionUsageType, {
    description:
      "How much the version is used: resolves counted by the gateway and requests reported served (usageReport), in `environment` or all of them. From the store (no backend call); null on asOf reads.",
    nullable: true,
  })
  async usage(
    @Root() root: AsOfRoot<ModelVersion>,
    @Ctx() ctx: GatewayContext,
    @Arg("environment", () => String, { nullable: true }) environment: string | undefined | null,
  ): Promise<VersionUsageType | null> {
    if (root.asOf !== undefined) return null;
    const env = environment ?? undefined;
    const s = await loaders(ctx).usage.load({ backendId: root.backendId, modelName: root.modelName, version: root.version, environment: env });
    return {
      environment: env ?? null,
      lastResolvedAt: s.lastResolvedAt,
      resolves24h: s.resolves,
      lastServedAt: s.lastServedAt,
      served24h: s.served,
      backendId: root.backendId,
      modelName: root.modelName,
      version: root.version,
    };
  }
}

@Resolver(() => VersionUsageType)
export class VersionUsageResolver {
  @FieldResolver(() => [UsageCallerType], { description: "Who used it in the last 24 hours, per caller, environment and source, largest first." })
  async byCaller(@Root() root: VersionUsageType, @Ctx() ctx: GatewayContext, @Arg("first", () => Int, { nullable: true }) first: number | undefined | null): Promise<UsageByCaller[]> {
    const limit = pageSize(first, ctx.services.config.server.maxPageSize);
    return ctx.services.store.lifecycle.usageByCaller(
      {
        backendId: root.backendId,
        modelName: root.modelName,
        version: root.version,
        ...(root.environment == null ? {} : { environment: root.environment }),
        since: new Date(ctx.services.usage.now() - DAY_MS),
      },
      limit,
    );
  }
}

@Resolver(() => RegisteredModelType)
export class ModelOwnerResolver {
  @FieldResolver(() => ModelOwnerType, {
    nullable: true,
    description:
      "Who owns the model (the addressee of its idle alerts): its modelgate.owner / modelgate.owner-contact tags, else the first lifecycle.owners rule matching it; null when neither names one.",
  })
  owner(@Root() root: RegisteredModel, @Ctx() ctx: GatewayContext): ModelOwnerType | null {
    return ownerOut(ctx.services.owners.of(root));
  }
}

@Resolver(() => IdleAlertType)
export class IdleAlertResolver {
  @FieldResolver(() => ModelOwnerType, { nullable: true, description: "Who owns the model now (tags, else lifecycle.owners)." })
  async owner(@Root() root: IdleAlertRecord, @Ctx() ctx: GatewayContext): Promise<ModelOwnerType | null> {
    try {
      return ownerOut(ctx.services.owners.of(await ctx.loaders.model.load({ backendId: root.backendId, name: root.modelName })));
    } catch {
      return ownerOut(ctx.services.owners.fromRules(root.backendId, root.modelName));
    }
  }

  @FieldResolver(() => Int, { description: "Whole days since the last use; for a version never used, since it became idle (raisedAt minus lifecycle.idle.afterDays), so at least afterDays." })
  idleDays(@Root() root: IdleAlertRecord, @Ctx() ctx: GatewayContext): number {
    const afterMs = ctx.services.config.lifecycle.idle.afterDays * DAY_MS;
    const since = root.lastUsedAt?.getTime() ?? root.raisedAt.getTime() - afterMs;
    return Math.floor(((root.clearedAt?.getTime() ?? ctx.services.usage.now()) - since) / DAY_MS);
  }
}

@Resolver(() => RunningVersionType)
export class RunningVersionIdleResolver {
  @FieldResolver(() => IdleAlertType, {
    nullable: true,
    description: "The open IDLE_IN_PRODUCTION alert of the version in this environment; null when it is used (and for asOf answers).",
  })
  async idleAlert(@Root() root: RunningVersion, @Ctx() ctx: GatewayContext): Promise<IdleAlertRecord | null> {
    // asOf answers are read from the trail (no modelVersion): an alert open now says nothing of then.
    if (root.modelVersion === undefined) return null;
    const open = await loaders(ctx).idle.load(root.environment);
    return open.find((a) => a.backendId === root.backendId && a.modelName === root.modelName && a.version === root.version) ?? null;
  }
}

@Resolver()
export class UsageQueries {
  @Query(() => IdleAlertConnection, { description: "Open IDLE_IN_PRODUCTION alerts, oldest first; of one environment when given." })
  async idleAlerts(
    @Ctx() ctx: GatewayContext,
    @Arg("environment", () => String, { nullable: true }) environment: string | undefined | null,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined | null,
    @Arg("after", () => String, { nullable: true, description: "An alert's cursor (its id)." }) after: string | undefined | null,
  ): Promise<ReturnType<typeof connection<IdleAlertRecord>>> {
    const size = pageSize(first, ctx.services.config.server.maxPageSize);
    const open = await ctx.services.store.lifecycle.listOpenIdleAlerts(environment ?? undefined);
    let start = 0;
    if (after != null) {
      const at = open.findIndex((a) => a.id === after);
      if (at < 0) throw new InvalidInputError(`after: no open idle alert "${after}" (it may have closed); start again without after`, { field: "after" });
      start = at + 1;
    }
    const page = open.slice(start, start + size);
    return connection(
      page.map((a) => ({ item: a, cursor: a.id })),
      start + size < open.length,
      undefined,
    );
  }
}

const reportSchema = z.object({
  versionId: z.string().max(1024).nullish(),
  backend: nameInput.nullish(),
  model: nameInput.nullish(),
  version: nameInput.nullish(),
  environment: nameInput,
  requests: z.number().int("must be a whole number").min(0, "must be >= 0"),
});

@Resolver()
export class UsageMutations {
  @Mutation(() => UsageReportPayload, {
    description:
      "A serving system reports the requests it served with a version in an environment over a window: counted as SERVED usage (ModelVersion.usage.served24h, lastServedAt) under the reporting principal, audited (usage.report). Needs publisher (the role of serving systems' tokens, as for canaryResultRecord).",
  })
  async usageReport(@Arg("input", () => UsageReportInput) input: UsageReportInput, @Ctx() ctx: GatewayContext): Promise<UsageReportPayload> {
    return withUserErrors<UsageReportPayload>(async () => {
      requireRole(ctx, "publisher", "report usage");
      checkInput(reportSchema, input);
      let backend: string;
      let model: string;
      let version: string;
      if (input.versionId != null) {
        if (input.backend != null || input.model != null || input.version != null) {
          throw new InvalidInputError("versionId: give either versionId or backend, model and version, not both", { field: "versionId" });
        }
        [backend, model, version] = expectGlobalId(input.versionId, "ModelVersion", 3, "versionId") as [string, string, string];
      } else {
        if (input.backend == null || input.model == null || input.version == null) {
          const missing = input.backend == null ? "backend" : input.model == null ? "model" : "version";
          throw new InvalidInputError(`${missing}: name the version by versionId, or by backend, model and version`, { field: missing });
        }
        [backend, model, version] = [input.backend.trim(), input.model.trim(), input.version.trim()];
      }
      const report = await ctx.services.usageReports.report(
        { backend, model, version, environment: input.environment.trim(), windowStart: input.windowStart, windowEnd: input.windowEnd, requests: input.requests },
        ctx.call,
      );
      return {
        usageReport: {
          backendId: report.backend,
          modelName: report.model,
          version: report.version,
          environment: report.environment,
          windowStart: report.windowStart,
          windowEnd: report.windowEnd,
          requests: report.requests,
          reportedBy: report.reportedBy,
          auditEventId: report.auditEventId,
        },
      };
    }, { usageReport: null });
  }
}
