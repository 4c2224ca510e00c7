/**
 * Cross-registry copies (docs/lifecycle.md#cross-registry-copies): `modelVersionCopy` /
 * `modelgate copy FROM TO` registers a version of one backend in another (the same artifact URI,
 * description, tags, params, metrics, lineage and generation config) through the promotion
 * workflow: a request with `copyTarget`, gated by the target's policy (for the stage the copy lands
 * in) on the source version's evidence, applied once by the outbox (./copy-apply.ts), which links
 * both versions with a COPIED_FROM edge and removes the registered version again when the copy
 * fails halfway.
 */
import { ConflictError, InvalidInputError, NotFoundError, UnsupportedError, isRegistryError, type CallContext, type Stage } from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import { canonicalSha256 } from "../../core/canonical-json.js";
import type { Store } from "../../store/store.js";
import type { PromotionPolicies } from "../policy.js";
import type { PromotionService, RequestResult } from "../promotion-service.js";

export interface VersionCopyInput {
  /** The version to copy: "backend/model@version". */
  from: string;
  /** Where to: "backend/model", or "backend" for a model of the same name. */
  to: string;
  /** The copy lands in this environment's stage (absent: NONE, gated by the target's `environment: "*"` rules). */
  environment?: string;
  reason: string;
  idempotencyKey?: string;
}

export interface VersionAddress {
  backendId: string;
  modelName: string;
  version: string;
}

/** "backend/model@version": the backend id is up to the first "/", the version after the last "@". */
export function parseVersionAddress(text: string, field = "from"): VersionAddress {
  const t = text.trim();
  const slash = t.indexOf("/");
  const at = t.lastIndexOf("@");
  if (slash <= 0 || at <= slash + 1 || at === t.length - 1) {
    throw new InvalidInputError(`${field}: "${text}" is not "backend/model@version" (e.g. "mlflow/churn@3")`, { field });
  }
  return { backendId: t.slice(0, slash), modelName: t.slice(slash + 1, at), version: t.slice(at + 1) };
}

/** "backend/model" or "backend" (then the model keeps the source's name). */
export function parseModelAddress(text: string, sourceModel: string, field = "to"): { backendId: string; modelName: string } {
  const t = text.trim();
  if (t === "" || t.includes("@")) throw new InvalidInputError(`${field}: "${text}" is not "backend/model" or "backend" (a copy gets a new version number)`, { field });
  const slash = t.indexOf("/");
  if (slash === 0 || slash === t.length - 1) throw new InvalidInputError(`${field}: "${text}" is not "backend/model" or "backend"`, { field });
  return slash < 0 ? { backendId: t, modelName: sourceModel } : { backendId: t.slice(0, slash), modelName: t.slice(slash + 1) };
}

export class VersionCopies {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly promotions: PromotionService,
    private readonly policies: PromotionPolicies,
  ) {}

  async copy(input: VersionCopyInput, ctx: CallContext): Promise<RequestResult> {
    const reason = input.reason.trim();
    if (reason === "") throw new InvalidInputError("reason: must not be empty", { field: "reason" });
    const from = parseVersionAddress(input.from);
    const to = parseModelAddress(input.to, from.modelName);
    if (from.backendId === to.backendId && from.modelName === to.modelName) {
      throw new InvalidInputError(`to: "${input.to}" is the model "${input.from}" belongs to; a copy goes to another backend or model`, { field: "to" });
    }
    const source = this.#backend(from.backendId, "from");
    const target = this.#backend(to.backendId, "to");
    const caps = target.capabilities();
    if (!caps.writes) throw new UnsupportedError(`backend "${to.backendId}" is read-only: nothing can be copied into it`, { field: "to", backend: to.backendId });
    if (target.deleteVersion === undefined) {
      throw new UnsupportedError(
        `backend "${to.backendId}" (${target.info.kind}) cannot remove a version, so a copy that fails halfway could not be undone; copies into it are refused`,
        { field: "to", backend: to.backendId },
      );
    }
    const environment = input.environment?.trim() ?? "";
    let toStage: Stage = "NONE";
    if (environment !== "") {
      const env = this.config.environments[environment];
      if (env === undefined) {
        throw new NotFoundError(`unknown environment "${environment}"; configured: ${Object.keys(this.config.environments).join(", ")}`, { field: "environment" });
      }
      toStage = env.stage;
      if (toStage === "PRODUCTION") {
        throw new InvalidInputError(
          `environment: "${environment}" runs PRODUCTION; a copy lands in NONE, STAGING or SHADOW and reaches production through a promotion in ${to.backendId} (with that version's own canary evidence)`,
          { field: "environment" },
        );
      }
    }
    const version = await source.getVersion(from.modelName, from.version, ctx);
    if (version.generationConfig !== undefined && !caps.generationConfigs) {
      throw new UnsupportedError(`${input.from} is a generation config and backend "${to.backendId}" (${target.info.kind}) holds none`, { field: "to", backend: to.backendId });
    }
    await this.#refuseRepeat(from, to, ctx);
    const copyTarget = `${to.backendId}/${to.modelName}`;
    const matched = this.policies.match(to.backendId, to.modelName, environment, toStage);
    const { demoteTo: _demoteTo, ...policy } = matched;
    const inputHash = canonicalSha256({ copy: { ...from, ...to, environment, reason }, actor: ctx.actor.id });
    return this.promotions.openRequest(
      {
        request: {
          kind: "PROMOTION",
          backendId: from.backendId,
          modelName: from.modelName,
          version: from.version,
          environment,
          fromStage: "NONE",
          toStage,
          demoteTo: toStage,
          previousVersions: [],
          requestedBy: ctx.actor.id,
          reason,
          policy,
          copyTarget,
        },
        // One open copy per target model: two at once would register two versions of one intent.
        lockKey: `copy:${copyTarget}`,
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        inputHash,
        action: "promotion.request",
        before: { source: `${from.backendId}/${from.modelName}@${from.version}`, stage: version.stage },
        after: { copyTarget, stage: toStage, environment: environment === "" ? null : environment, policy, artifactUri: version.artifactUri ?? null },
        gated: true,
        versionEvidence: true,
      },
      ctx,
    );
  }

  #backend(id: string, field: string) {
    try {
      return this.catalog.backend(id);
    } catch (err) {
      if (isRegistryError(err)) throw new NotFoundError(`${field}: ${err.message}`, { field });
      throw err;
    }
  }

  /** A version already copied into the same model (and still there) is not copied again. */
  async #refuseRepeat(from: VersionAddress, to: { backendId: string; modelName: string }, ctx: CallContext): Promise<void> {
    const links = await this.store.lifecycle.linksFrom(from.backendId, from.modelName, from.version);
    for (const link of links) {
      if (link.backendId !== to.backendId || link.modelName !== to.modelName) continue;
      try {
        await this.catalog.backend(to.backendId).getVersion(link.modelName, link.version, ctx);
      } catch (err) {
        if (isRegistryError(err) && err.code === "NOT_FOUND") continue;
        throw err;
      }
      throw new ConflictError(
        `${from.backendId}/${from.modelName}@${from.version} was already copied to ${to.backendId}/${to.modelName}@${link.version} (request ${link.requestId ?? "unknown"}); promote that version instead`,
        { field: "from" },
      );
    }
  }
}
