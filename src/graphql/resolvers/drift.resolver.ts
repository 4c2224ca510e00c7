import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { z } from "zod";
import type { ModelVersion } from "../../core/index.js";
import { checkInput, nameInput } from "../../core/input-check.js";
import { encodeDriftCursor } from "../../store/workflow-kysely.js";
import type { DriftObservationRecord } from "../../store/workflow-store.js";
import type { DriftEntry } from "../../workflow/drift.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import type { DriftPassProgress } from "../../workflow/drift-pass.js";
import { DriftCheckInput, DriftCheckPayload, DriftConnection, DriftPassType, DriftStatusType, DriftType } from "../types/drift.js";
import { ModelVersionType } from "../types/model-version.js";
import { connection, pageSize, type AsOfRoot } from "./paging.js";

function fromEntry(d: DriftEntry): DriftType {
  return { kind: d.kind, backend: d.backendId, model: d.model, version: d.version, expectedStage: d.expectedStage, actualStage: d.actualStage, detectedAt: d.detectedAt };
}

function fromRecord(o: DriftObservationRecord): DriftType {
  return { kind: o.kind, backend: o.backendId, model: o.modelName, version: o.version, expectedStage: o.expectedStage, actualStage: o.actualStage, detectedAt: o.detectedAt };
}

function fromPass(p: DriftPassProgress | null): DriftPassType | null {
  if (p === null) return null;
  return {
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    modelsTotal: p.modelsTotal,
    modelsChecked: p.modelsChecked,
    modelsFailed: p.modelsFailed,
    complete: p.finishedAt !== null && p.unfinishedReason === null,
    unfinishedReason: p.unfinishedReason,
    failures: [
      ...p.backendFailures.map((f) => ({ backend: f.backendId, model: "*", error: f.error })),
      ...p.failures.map((f) => ({ backend: f.backendId, model: f.model, error: f.error })),
    ],
  };
}


@Resolver()
export class DriftQueries {
  @Query(() => DriftConnection, { description: "Versions changed outside modelgate that are still out of line with the promotion trail, newest first." })
  async drifts(
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true }) first: number | undefined,
    @Arg("after", () => String, { nullable: true }) after: string | undefined,
  ): Promise<DriftConnection> {
    const page = await ctx.services.store.workflow.listOpenDriftPage({
      first: pageSize(first, ctx.services.config.server.maxPageSize),
      ...(after == null ? {} : { after }),
    });
    const edges = page.items.map((o) => ({ item: fromRecord(o), cursor: encodeDriftCursor(o) }));
    return connection(edges, page.nextCursor !== undefined, page.nextCursor);
  }

  @Query(() => DriftStatusType, {
    description:
      "The background drift check in this gateway process: the pass under way and the last one (models checked of the total, failures, and why a pass did not finish), and where the next pass resumes.",
  })
  driftStatus(@Ctx() ctx: GatewayContext): DriftStatusType {
    const status = ctx.services.drift.passes.status();
    return {
      polling: status.polling,
      intervalSeconds: ctx.services.config.drift.intervalSeconds,
      currentPass: fromPass(status.current),
      lastPass: fromPass(status.last),
      resumeAt: status.resumeAt === null ? null : { backend: status.resumeAt.backendId, model: status.resumeAt.model },
    };
  }
}

@Resolver()
export class DriftMutations {
  @Mutation(() => DriftCheckPayload, {
    description:
      "Compares a model's versions in its backend with the promotion trail now, in both directions; a drift seen for the first time is recorded (OUT_OF_BAND_CHANGE, UNAPPROVED_IN_STAGE), one back in line is resolved. Needs publisher.",
  })
  async driftCheck(@Arg("input", () => DriftCheckInput) input: DriftCheckInput, @Ctx() ctx: GatewayContext): Promise<DriftCheckPayload> {
    return withUserErrors<DriftCheckPayload>(
      async () => {
        requireRole(ctx, "publisher", "run drift checks");
        const { backend, model } = checkInput(z.object({ backend: nameInput, model: nameInput }), input);
        const result = await ctx.services.drift.checkModel(backend, model, ctx.call);
        return {
          drifts: result.drifts.map(fromEntry),
          detected: result.detected.map(fromEntry),
          resolved: result.resolved.map(fromEntry),
          checkedVersions: result.checkedVersions,
          skipped: result.skipped,
        };
      },
      { drifts: null, detected: null, resolved: null, checkedVersions: 0, skipped: null },
    );
  }
}

@Resolver(() => ModelVersionType)
export class ModelVersionDriftResolver {
  @FieldResolver(() => DriftType, {
    nullable: true,
    description:
      "Set when the backend does not match what the promotion trail says of this version (changed outside modelgate, or in a governed stage the trail never approved it into); null when in line. From the last drift check: no backend call. Always null on asOf reads.",
  })
  async drift(@Root() root: AsOfRoot<ModelVersion>, @Ctx() ctx: GatewayContext): Promise<DriftType | null> {
    if (root.asOf !== undefined) return null;
    const open = await ctx.loaders.drifts.load({ backendId: root.backendId, name: root.modelName });
    const o = open.get(root.version);
    return o === undefined ? null : fromRecord(o);
  }
}
