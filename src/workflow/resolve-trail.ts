/**
 * The promotion trail's side of resolve (src/catalog/resolve-entry.ts): which version the trail last
 * approved into an environment's stage, and how it judges the backend's version for the environment.
 */
import type { Stage } from "../core/index.js";
import type { DriftFlag, ResolveTrail, TrailView } from "../catalog/resolve-entry.js";
import type { TrailReader } from "./trail-reader.js";
import { describeVerdict, judgeServing, trailHolder, type DriftVerdict } from "./trail-stages.js";

export class TrailResolve implements ResolveTrail {
  constructor(private readonly reader: TrailReader) {}

  async view(backendId: string, model: string, stage: Stage, asOf: Date | undefined): Promise<TrailView> {
    const replay = await this.reader.replay(backendId, model, asOf);
    const holder = trailHolder(replay, stage);
    const flag = async (v: DriftVerdict): Promise<DriftFlag> => {
      // Recorded observations are about now: an asOf answer has none.
      const observed = asOf === undefined ? await this.reader.observation(backendId, model, v.version, v.kind) : undefined;
      return {
        kind: v.kind,
        version: v.version,
        trailStage: v.trailStage,
        backendStage: v.backendStage,
        message: describeVerdict(v, `${backendId}/${model}@${v.version}`),
        detectedAt: observed?.detectedAt ?? null,
      };
    };
    return {
      trailVersion: holder?.version,
      async compare(backendChoice, trailVersionStage) {
        if (backendChoice !== undefined) {
          const v = judgeServing(replay, backendChoice.version, backendChoice.stage, stage);
          return v === null ? null : flag(v);
        }
        if (holder === undefined) return null;
        // The backend has nothing for the environment, but the trail approved a version into it.
        return flag({ kind: "OUT_OF_BAND_CHANGE", version: holder.version, trailStage: stage, backendStage: trailVersionStage ?? null, unapprovedIn: null, requestId: holder.requestId });
      },
    };
  }
}
