/**
 * The deprecation planner (docs/lifecycle.md#deprecation-policy): pure. Given every version of the
 * models a lifecycle rule covers, where the environments and the deployments use them, the open
 * requests and the clock, it says which versions an apply would archive and why, which older
 * versions it keeps and why, and whether the plan archives more than the configured share (then it
 * stops and asks: an apply needs an explicit confirmation).
 *
 * A version is archived only when all of these hold:
 * - it is not among the newest `keepNewest` versions of its model (newest by creation time, then by
 *   version number);
 * - it is not ARCHIVED already;
 * - no environment uses it: it is not in a stage an environment runs, holds no alias named after an
 *   environment, and the promotion trail does not record it running in one;
 * - no deployment revision that is active or pending bundles it, and none did in the last
 *   `archiveAfterDays` days (created with it, activated, or running);
 * - it was created more than `archiveAfterDays` days ago (a version of unknown age is kept);
 * - no request for it is open (an open archive request means a previous apply already asked).
 */
import type { Stage } from "../../core/index.js";
import type { DeprecationRuleConfig } from "../../config/schema.js";
import { globMatches } from "../policy.js";

const DAY_MS = 86_400_000;

export interface PlanVersion {
  version: string;
  stage: Stage;
  aliases: readonly string[];
  createdAt?: Date;
}

export interface PlanModel {
  backendId: string;
  modelName: string;
  versions: readonly PlanVersion[];
}

/** One deployment revision bundling a version. */
export interface DeploymentUse {
  backendId: string;
  modelName: string;
  version: string;
  deployment: string;
  environment: string;
  revision: number;
  /** ACTIVE: the environment runs it; PENDING: a request to put it there is open; PAST: neither. */
  state: "ACTIVE" | "PENDING" | "PAST";
  /** The newest moment it was in use: running now (the clock), deactivated, activated or created. */
  lastUsedAt: Date;
}

/** A version the promotion trail records running in an environment (production history). */
export interface TrailUse {
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
}

export interface OpenRequestFact {
  backendId: string;
  modelName: string;
  version: string;
  requestId: string;
  toStage: Stage;
  status: string;
}

export interface PlanInput {
  rules: readonly DeprecationRuleConfig[];
  /** Largest share of all covered live versions one plan may archive. */
  maxArchiveShare: number;
  environments: Readonly<Record<string, { stage: Stage }>>;
  models: readonly PlanModel[];
  deploymentUses: readonly DeploymentUse[];
  trailUses: readonly TrailUse[];
  openRequests: readonly OpenRequestFact[];
  now: Date;
}

export interface LastDeploymentUse {
  deployment: string;
  environment: string;
  revision: number;
  at: Date;
}

export interface PlanCandidate {
  backendId: string;
  modelName: string;
  version: string;
  stage: Stage;
  /** "policies.deprecation.rules[i]". */
  rule: string;
  createdAt: Date;
  ageDays: number;
  /** 1-based rank among the model's versions, newest first. */
  rank: number;
  lastDeploymentUse: LastDeploymentUse | null;
  reason: string;
}

export type KeepReason = "NEWEST" | "ENVIRONMENT" | "DEPLOYMENT" | "RECENT" | "OPEN_REQUEST" | "AGE_UNKNOWN";

export interface PlanKept {
  backendId: string;
  modelName: string;
  version: string;
  stage: Stage;
  why: KeepReason;
  reason: string;
}

export interface PlanModelSummary {
  backendId: string;
  modelName: string;
  rule: string;
  /** Versions not ARCHIVED yet. */
  liveVersions: number;
  toArchive: number;
  /** toArchive / liveVersions (0 when there are none). */
  share: number;
  maxArchiveShare: number;
  exceedsShare: boolean;
}

export interface DeprecationPlan {
  generatedAt: Date;
  candidates: PlanCandidate[];
  /** Versions past the newest N that are kept, with why (the newest N are not listed). */
  kept: PlanKept[];
  models: PlanModelSummary[];
  liveVersions: number;
  toArchive: number;
  share: number;
  maxArchiveShare: number;
  /** Why the plan stops and asks (empty: it may be applied without confirmation). */
  stops: string[];
}

/** The first rule covering the model, with its index. */
export function deprecationRuleFor(rules: readonly DeprecationRuleConfig[], backendId: string, modelName: string): { rule: DeprecationRuleConfig; index: number } | undefined {
  const index = rules.findIndex((r) => (r.backend === "*" || r.backend === backendId) && globMatches(r.models, modelName));
  const rule = rules[index];
  return rule === undefined ? undefined : { rule, index };
}

const collator = new Intl.Collator("en", { numeric: true });

/** Newest first: creation time (unknown last), then version number. */
export function newestFirst(a: PlanVersion, b: PlanVersion): number {
  const at = a.createdAt?.getTime();
  const bt = b.createdAt?.getTime();
  if (at !== undefined && bt !== undefined && at !== bt) return bt - at;
  if (at !== undefined && bt === undefined) return -1;
  if (at === undefined && bt !== undefined) return 1;
  return collator.compare(b.version, a.version);
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
}

const key = (backendId: string, modelName: string, version: string) => `${backendId}\u0000${modelName}\u0000${version}`;

export function planDeprecation(input: PlanInput): DeprecationPlan {
  const now = input.now;
  const environmentStages = new Map<Stage, string[]>();
  for (const [name, env] of Object.entries(input.environments)) {
    if (env.stage === "ARCHIVED") continue;
    environmentStages.set(env.stage, [...(environmentStages.get(env.stage) ?? []), name]);
  }
  const uses = new Map<string, DeploymentUse[]>();
  for (const u of input.deploymentUses) {
    const k = key(u.backendId, u.modelName, u.version);
    uses.set(k, [...(uses.get(k) ?? []), u]);
  }
  const trail = new Map<string, string[]>();
  for (const t of input.trailUses) {
    const k = key(t.backendId, t.modelName, t.version);
    trail.set(k, [...(trail.get(k) ?? []), t.environment]);
  }
  const open = new Map<string, OpenRequestFact>();
  for (const r of input.openRequests) open.set(key(r.backendId, r.modelName, r.version), r);

  const candidates: PlanCandidate[] = [];
  const kept: PlanKept[] = [];
  const models: PlanModelSummary[] = [];
  for (const model of input.models) {
    const matched = deprecationRuleFor(input.rules, model.backendId, model.modelName);
    if (matched === undefined) continue;
    const { rule, index } = matched;
    const ruleName = `policies.deprecation.rules[${index}]`;
    const maxShare = rule.maxArchiveShare ?? input.maxArchiveShare;
    const cutoff = now.getTime() - rule.archiveAfterDays * DAY_MS;
    const sorted = [...model.versions].sort(newestFirst);
    const live = sorted.filter((v) => v.stage !== "ARCHIVED").length;
    let toArchive = 0;
    sorted.forEach((v, i) => {
      const rank = i + 1;
      if (rank <= rule.keepNewest || v.stage === "ARCHIVED") return;
      const k = key(model.backendId, model.modelName, v.version);
      const keep = (why: KeepReason, reason: string) =>
        kept.push({ backendId: model.backendId, modelName: model.modelName, version: v.version, stage: v.stage, why, reason });
      const request = open.get(k);
      if (request !== undefined) {
        keep("OPEN_REQUEST", `request ${request.requestId} to ${request.toStage} is open (${request.status})`);
        return;
      }
      const stageEnvs = environmentStages.get(v.stage) ?? [];
      if (stageEnvs.length > 0) {
        keep("ENVIRONMENT", `in ${v.stage}, the stage ${stageEnvs.join(", ")} run${stageEnvs.length === 1 ? "s" : ""}`);
        return;
      }
      const aliasEnvs = v.aliases.filter((a) => a in input.environments);
      if (aliasEnvs.length > 0) {
        keep("ENVIRONMENT", `holds the alias ${aliasEnvs.join(", ")}, named after an environment`);
        return;
      }
      const trailEnvs = trail.get(k) ?? [];
      if (trailEnvs.length > 0) {
        keep("ENVIRONMENT", `the promotion trail records it running in ${[...new Set(trailEnvs)].join(", ")}`);
        return;
      }
      const versionUses = uses.get(k) ?? [];
      const inUse = versionUses.find((u) => u.state !== "PAST");
      if (inUse !== undefined) {
        keep("DEPLOYMENT", `bundled in ${inUse.deployment}@${inUse.environment} revision ${inUse.revision}, ${inUse.state === "ACTIVE" ? "running" : "pending"}`);
        return;
      }
      const last = versionUses.reduce<DeploymentUse | undefined>((a, u) => (a === undefined || u.lastUsedAt.getTime() > a.lastUsedAt.getTime() ? u : a), undefined);
      if (last !== undefined && last.lastUsedAt.getTime() > cutoff) {
        keep("RECENT", `in ${last.deployment}@${last.environment} revision ${last.revision} ${ageText(now, last.lastUsedAt)} ago, within ${rule.archiveAfterDays} days`);
        return;
      }
      if (v.createdAt === undefined) {
        keep("AGE_UNKNOWN", "the backend does not say when it was created");
        return;
      }
      if (v.createdAt.getTime() > cutoff) {
        keep("RECENT", `created ${ageText(now, v.createdAt)} ago, within ${rule.archiveAfterDays} days`);
        return;
      }
      toArchive++;
      const lastUse: LastDeploymentUse | null = last === undefined ? null : { deployment: last.deployment, environment: last.environment, revision: last.revision, at: last.lastUsedAt };
      candidates.push({
        backendId: model.backendId,
        modelName: model.modelName,
        version: v.version,
        stage: v.stage,
        rule: ruleName,
        createdAt: v.createdAt,
        ageDays: Math.floor((now.getTime() - v.createdAt.getTime()) / DAY_MS),
        rank,
        lastDeploymentUse: lastUse,
        reason:
          `${ordinal(rank)} newest (keepNewest ${rule.keepNewest}), created ${ageText(now, v.createdAt)} ago (archiveAfterDays ${rule.archiveAfterDays}), ` +
          `in no environment, ${lastUse === null ? "in no deployment revision" : `last in ${lastUse.deployment}@${lastUse.environment} revision ${lastUse.revision} ${ageText(now, lastUse.at)} ago`}`,
      });
    });
    const share = live === 0 ? 0 : toArchive / live;
    models.push({
      backendId: model.backendId,
      modelName: model.modelName,
      rule: ruleName,
      liveVersions: live,
      toArchive,
      share,
      maxArchiveShare: maxShare,
      exceedsShare: share > maxShare,
    });
  }
  const liveVersions = models.reduce((n, m) => n + m.liveVersions, 0);
  const toArchive = candidates.length;
  const share = liveVersions === 0 ? 0 : toArchive / liveVersions;
  const stops: string[] = [];
  for (const m of models) {
    if (m.exceedsShare) {
      stops.push(`${m.backendId}/${m.modelName}: ${m.toArchive} of ${m.liveVersions} live versions (${pct(m.share)}) is more than its maxArchiveShare ${pct(m.maxArchiveShare)}`);
    }
  }
  if (share > input.maxArchiveShare) {
    stops.push(`the plan archives ${toArchive} of ${liveVersions} live versions (${pct(share)}), more than policies.deprecation.maxArchiveShare ${pct(input.maxArchiveShare)}`);
  }
  return { generatedAt: now, candidates, kept, models, liveVersions, toArchive, share, maxArchiveShare: input.maxArchiveShare, stops };
}

/** "45 days", "3 hours", "12 minutes". */
export function ageText(now: Date, at: Date): string {
  const ms = Math.max(0, now.getTime() - at.getTime());
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (ms >= DAY_MS) return unit(Math.floor(ms / DAY_MS), "day");
  if (ms >= 3_600_000) return unit(Math.floor(ms / 3_600_000), "hour");
  return unit(Math.floor(ms / 60_000), "minute");
}
