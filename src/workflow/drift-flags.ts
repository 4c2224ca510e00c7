/**
 * Drift flags on the read paths: resolve (./resolve-trail.ts), whatRunsInProduction and a
 * deployment's health. Each is judged live, from what the backend reports now and the trail
 * (./trail-stages.ts), so an unapproved version is flagged from the first read, not only after the
 * next drift check; `detectedAt` says when a drift check recorded it (null until one has).
 */
import type { CallContext, ModelVersion, Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { DriftFlag } from "../catalog/resolve-entry.js";
import type { DeploymentComponent } from "../store/deployment-store.js";
import type { Store } from "../store/store.js";
import type { DriftObservationRecord } from "../store/workflow-store.js";
import type { TrailReader } from "./trail-reader.js";
import { describeVerdict, judgeServing, judgeVersion, type DriftVerdict } from "./trail-stages.js";

export type { DriftFlag };

/** A verdict as a flag, with the time a drift check recorded it (when one did). */
export function flagOf(v: DriftVerdict, subject: string, observed: readonly DriftObservationRecord[]): DriftFlag {
  const o = observed.find((x) => x.version === v.version && x.kind === v.kind);
  return {
    kind: v.kind,
    version: v.version,
    trailStage: v.trailStage,
    backendStage: v.backendStage,
    message: describeVerdict(v, subject),
    detectedAt: o?.detectedAt ?? null,
  };
}

/** The flag of a recorded observation (when the backend could not be read now). */
export function flagOfObservation(o: DriftObservationRecord): DriftFlag {
  const v: DriftVerdict = {
    kind: o.kind,
    version: o.version,
    trailStage: o.kind === "UNAPPROVED_IN_STAGE" && o.expectedStage === "NONE" ? null : o.expectedStage,
    backendStage: o.actualStage,
    unapprovedIn: o.kind === "UNAPPROVED_IN_STAGE" ? o.actualStage : null,
    requestId: null,
  };
  return { ...flagOf(v, `${o.backendId}/${o.modelName}@${o.version}`, [o]), detectedAt: o.detectedAt };
}

interface Running {
  backendId: string;
  modelName: string;
  version: string;
  modelVersion: ModelVersion | undefined;
}

/**
 * The flag of each version running in an environment of `stage` (read live now): null when the
 * trail approved it into the stage. asOf answers come from the trail itself: never flagged.
 */
export async function flagRunning<T extends Running>(reader: TrailReader, store: Store, versions: readonly T[], stage: Stage, asOf: Date | undefined): Promise<(T & { drift: DriftFlag | null })[]> {
  if (asOf !== undefined) return versions.map((v) => ({ ...v, drift: null }));
  const byModel = new Map<string, T[]>();
  for (const v of versions) {
    const key = JSON.stringify([v.backendId, v.modelName]);
    byModel.set(key, [...(byModel.get(key) ?? []), v]);
  }
  const flags = new Map<T, DriftFlag | null>();
  await Promise.all(
    [...byModel.values()].map(async (group) => {
      const { backendId, modelName } = group[0]!;
      const replay = await reader.replay(backendId, modelName);
      const verdicts = group.map((v) => [v, judgeServing(replay, v.version, v.modelVersion?.stage ?? stage, stage)] as const);
      const observed = verdicts.some(([, d]) => d !== null) ? await store.workflow.listOpenDrifts(backendId, modelName) : [];
      for (const [v, d] of verdicts) flags.set(v, d === null ? null : flagOf(d, `${backendId}/${modelName}@${v.version}`, observed));
    }),
  );
  return versions.map((v) => ({ ...v, drift: flags.get(v) ?? null }));
}

export interface ComponentDrift {
  component: DeploymentComponent;
  code: "DRIFTED" | "UNAPPROVED_IN_STAGE";
  message: string;
}

const codeOf = (kind: DriftFlag["kind"]): ComponentDrift["code"] => (kind === "UNAPPROVED_IN_STAGE" ? "UNAPPROVED_IN_STAGE" : "DRIFTED");

/**
 * The drift of each component, judged live: the component's stage now against the trail (a
 * component in a governed stage that neither its promotions nor a deployment activation approved it
 * into is UNAPPROVED_IN_STAGE; one not where the trail put it is DRIFTED). When its backend cannot be
 * read now, the open observations drift checks recorded stand in.
 */
export async function componentDrifts(
  reader: TrailReader,
  store: Store,
  catalog: Catalog,
  components: readonly DeploymentComponent[],
  ctx: CallContext,
): Promise<ComponentDrift[]> {
  const perComponent = await Promise.all(
    components.map(async (c): Promise<ComponentDrift[]> => {
      const subject = `${c.role}${c.shadow ? " (shadow)" : ""} ${c.backendId}/${c.modelName}@${c.version}`;
      const version = catalog.has(c.backendId) ? await catalog.backend(c.backendId).getVersion(c.modelName, c.version, ctx).catch(() => undefined) : undefined;
      if (version !== undefined) {
        const verdict = judgeVersion(await reader.replay(c.backendId, c.modelName), c.version, version.stage, reader.governed);
        return verdict === null ? [] : [{ component: c, code: codeOf(verdict.kind), message: describeVerdict(verdict, subject) }];
      }
      return (await store.workflow.listOpenDrifts(c.backendId, c.modelName, c.version)).map((o) => ({
        component: c,
        code: codeOf(o.kind),
        message:
          o.kind === "UNAPPROVED_IN_STAGE"
            ? `${subject} was put in ${o.actualStage} outside the gateway: the promotion trail never approved it there (as of the last drift check)`
            : `${subject} was changed outside the gateway: the trail expects ${o.expectedStage}, the backend has ${o.actualStage ?? "no such version"} (as of the last drift check)`,
      }));
    }),
  );
  return perComponent.flat();
}
