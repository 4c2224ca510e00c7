/**
 * Protected alias moves (docs/lifecycle.md#protected-aliases): a request to point a protected alias
 * at a version. It is a promotion request (kind PROMOTION, `alias` set) recorded in the protecting
 * entry's environment, with the gates and approvals of the policy rule a promotion into that
 * environment's stage would match (from the version's stage); the version's stage does not change.
 * Approved, the outbox points the alias at the version (../outbox-worker.ts), exactly once, and
 * records the alias's previous target.
 */
import { ConflictError, InvalidInputError, type CallContext } from "../../core/index.js";
import { canonicalSha256 } from "../../core/canonical-json.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { PromotionPolicies } from "../policy.js";
import { slotKey, type PromotionService, type RequestResult } from "../promotion-service.js";
import { aliasProtection } from "./protected-aliases.js";

export interface AliasMoveInput {
  backend: string;
  model: string;
  alias: string;
  version: string;
  reason: string;
  idempotencyKey?: string;
  /** The version the alias must point at now ("" for none): compare-and-set. */
  expectedCurrentVersion?: string;
}

export class AliasMoves {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly promotions: PromotionService,
    private readonly policies: PromotionPolicies,
  ) {}

  async request(input: AliasMoveInput, ctx: CallContext): Promise<RequestResult> {
    const reason = input.reason.trim();
    if (reason === "") throw new InvalidInputError("reason: must not be empty", { field: "reason" });
    const protection = aliasProtection(this.config.policies, input.backend, input.model, input.alias);
    if (protection === undefined) {
      throw new InvalidInputError(
        `alias "${input.alias}" of ${input.backend}/${input.model} is not protected (no entry of policies.protectedAliases covers it): move it directly with aliasSet (CLI: modelgate alias set)`,
        { field: "alias" },
      );
    }
    const adapter = this.catalog.backend(input.backend);
    const version = await adapter.getVersion(input.model, input.version, ctx);
    const model = await adapter.getModel(input.model, ctx);
    const current = model.aliases[input.alias] ?? null;
    if (input.expectedCurrentVersion !== undefined && (current ?? "") !== input.expectedCurrentVersion) {
      throw new ConflictError(
        `expected alias "${input.alias}" to point at ${input.expectedCurrentVersion === "" ? "no version" : `version ${input.expectedCurrentVersion}`}, but it points at ${current === null ? "none" : current}; re-read and retry`,
        { field: "expectedCurrentVersion" },
      );
    }
    if (current === input.version) {
      throw new InvalidInputError(`alias "${input.alias}" of ${input.backend}/${input.model} already points at ${input.version}`, { field: "version" });
    }
    const environment = protection.environment;
    const stage = this.config.environments[environment]!.stage;
    const { demoteTo: _unused, ...policy } = this.policies.match(input.backend, input.model, environment, stage, version.stage);
    const slot = slotKey(input.backend, input.model, environment);
    return this.promotions.openRequest(
      {
        request: {
          kind: "PROMOTION",
          backendId: input.backend,
          modelName: input.model,
          version: input.version,
          environment,
          fromStage: version.stage,
          toStage: version.stage,
          demoteTo: version.stage,
          previousVersions: current === null ? [] : [current],
          requestedBy: ctx.actor.id,
          reason,
          policy,
          alias: input.alias,
        },
        // One open move per alias; stage requests of the slot are not held up by it.
        lockKey: `${slot}#alias:${input.alias}`,
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        inputHash: canonicalSha256({ kind: "alias-move", ...input, actor: ctx.actor.id, idempotencyKey: null }),
        action: "promotion.request",
        before: { alias: input.alias, version: current },
        after: { alias: input.alias, version: input.version, environment, protectedBy: protection.source, gatesOf: stage, policy },
        gated: true,
        versionEvidence: true,
      },
      ctx,
    );
  }
}
