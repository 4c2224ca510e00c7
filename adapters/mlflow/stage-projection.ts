/**
 * The gateway's stages in MLflow, without MLflow's deprecated stage transitions. STAGING, SHADOW and
 * PRODUCTION are each an alias (configurable names; at most one version of a model holds each),
 * NONE and ARCHIVED are only the `modelgate.stage` version tag, which every stage write also sets.
 *
 * Reading, the alias wins: it is what MLflow clients resolve (`models:/name@production`). A version
 * holding a stage alias is in that stage; otherwise its tag says NONE or ARCHIVED; a tag naming an
 * aliased stage whose alias the version does not hold (the alias was moved or removed in MLflow's UI
 * or API) is stale and reads as NONE.
 */
import type { Stage } from "../../src/core/index.js";
import type { StageAliases } from "./config.js";

export type AliasedStage = "STAGING" | "SHADOW" | "PRODUCTION";

/** When a version holds several stage aliases and its tag names none of them. */
const PRECEDENCE: readonly AliasedStage[] = ["PRODUCTION", "SHADOW", "STAGING"];

export function isAliasedStage(stage: Stage): stage is AliasedStage {
  return stage === "STAGING" || stage === "SHADOW" || stage === "PRODUCTION";
}

export class StageProjection {
  private readonly byAlias: ReadonlyMap<string, AliasedStage>;

  constructor(readonly aliases: StageAliases) {
    this.byAlias = new Map(PRECEDENCE.map((s) => [aliases[s], s]));
  }

  aliasOf(stage: AliasedStage): string {
    return this.aliases[stage];
  }

  stageOfAlias(alias: string): AliasedStage | undefined {
    return this.byAlias.get(alias);
  }

  /** The stage aliases among a version's aliases. */
  heldStageAliases(versionAliases: readonly string[]): string[] {
    return versionAliases.filter((a) => this.byAlias.has(a));
  }

  /** A version's stage from the aliases it holds and its `modelgate.stage` tag. */
  stageOf(versionAliases: readonly string[], tag: string | undefined): Stage {
    const held = new Set(versionAliases.map((a) => this.byAlias.get(a)).filter((s): s is AliasedStage => s !== undefined));
    if (held.size > 0) {
      if (tag !== undefined && (held as Set<string>).has(tag)) return tag as AliasedStage;
      return PRECEDENCE.find((s) => held.has(s)) as AliasedStage;
    }
    if (tag === "ARCHIVED") return "ARCHIVED";
    return "NONE";
  }
}
