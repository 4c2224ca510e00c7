/** The long-lived services of one gateway process, built by the composition root (./gateway.ts). */
import type { ModelgateConfig } from "../config/schema.js";
import type { Catalog } from "../catalog/catalog.js";
import type { EntryResolver } from "../catalog/resolve-entry.js";
import type { Store } from "../store/store.js";
import type { DeploymentPromotions } from "../workflow/deployment-promotion.js";
import type { DeploymentResolver } from "../workflow/deployment-resolve.js";
import type { DeploymentState } from "../workflow/deployment-state.js";
import type { DeploymentService } from "../workflow/deployments.js";
import type { DriftChecker } from "../workflow/drift.js";
import type { PromotionService } from "../workflow/promotion-service.js";
import type { ProvenanceService } from "../workflow/provenance/service.js";
import type { RegistryWrites } from "../workflow/registry-writes.js";
import type { ResolveAnswers } from "../workflow/resolve-answers.js";
import type { IdleAlerts } from "../workflow/lifecycle/idle-alerts.js";
import type { ModelOwners } from "../workflow/lifecycle/owners.js";
import type { UsageRecorder } from "../workflow/lifecycle/usage-recorder.js";
import type { UsageReports } from "../workflow/lifecycle/usage-reports.js";
import type { DeprecationService } from "../workflow/lifecycle/deprecation-service.js";
import type { ShadowReports } from "../workflow/lifecycle/shadow-reports.js";
import type { AliasMoves } from "../workflow/lifecycle/alias-moves.js";
import type { RolloutService } from "../workflow/lifecycle/rollouts.js";
import type { VersionCopies } from "../workflow/lifecycle/version-copy.js";

/** Long-lived services the API uses; one set per gateway process. */
export interface GatewayServices {
  config: ModelgateConfig;
  catalog: Catalog;
  resolver: EntryResolver;
  writes: RegistryWrites;
  store: Store;
  /** The promotion workflow (requests, gates, approvals, rollback). */
  promotions: PromotionService;
  /** Compares backends with the promotion trail (drift detection). */
  drift: DriftChecker;
  /** Deployments: bundles of model versions per environment, as immutable revisions. */
  deployments: DeploymentService;
  /** Deployment revisions entering environments (through the promotion gates) and rollback. */
  deploymentPromotions: DeploymentPromotions;
  /** Revision status, health and what runs in an environment. */
  deploymentState: DeploymentState;
  /** resolve() of deployments. */
  deploymentResolver: DeploymentResolver;
  /** Identity, changes, lineage, impact, model cards and signatures (docs/provenance.md). */
  provenance: ProvenanceService;
  /** resolve(name, environment) answers kept until something they depend on changes (the hot path). */
  resolveAnswers: ResolveAnswers;
  /** Resolve counts per version, environment and caller, flushed to the store in batches (docs/lifecycle.md). */
  usage: UsageRecorder;
  /** usageReport: requests served, reported by serving systems. */
  usageReports: UsageReports;
  /** Model.owner: from the model's tags or lifecycle.owners. */
  owners: ModelOwners;
  /** IDLE_IN_PRODUCTION alerts (checked by the leader). */
  idleAlerts: IdleAlerts;
  /** The deprecation policy: plan and apply (docs/lifecycle.md#deprecation-policy). */
  deprecation: DeprecationService;
  /** Shadow evidence: what a shadow version did against the primary (docs/lifecycle.md#shadow-evidence). */
  shadowReports: ShadowReports;
  /** Requests moving protected aliases (docs/lifecycle.md#protected-aliases). */
  aliasMoves: AliasMoves;
  /** Guarded rollouts of deployment revisions: status, pause, resume, abort, and the leader's pass (docs/lifecycle.md#guarded-rollouts). */
  rollouts: RolloutService;
  /** Cross-registry copies through the promotion workflow (docs/lifecycle.md#cross-registry-copies). */
  copies: VersionCopies;
}

