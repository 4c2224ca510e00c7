/**
 * Protected aliases (docs/lifecycle.md#protected-aliases): `policies.protectedAliases` names aliases
 * (e.g. `champion`) of matching models that only a promotion request may move, whoever asks (tokens,
 * JWT users, the CLI, the MLflow-compatible facade). Pure lookups; the request is ./alias-moves.ts,
 * the apply the outbox worker's alias branch.
 */
import { ForbiddenError } from "../../core/index.js";
import type { PoliciesConfig, ProtectedAliasConfig } from "../../config/schema.js";
import { globMatches } from "../policy.js";

export interface AliasProtection {
  /** "policies.protectedAliases[i]": the entry that protects the alias. */
  source: string;
  /** The environment whose policy rules, evidence and approvals a move needs. */
  environment: string;
  entry: ProtectedAliasConfig;
}

/** The first entry protecting `alias` of the model, or undefined for an alias anyone with the role may move. */
export function aliasProtection(policies: PoliciesConfig | undefined, backendId: string, modelName: string, alias: string): AliasProtection | undefined {
  const entries = policies?.protectedAliases ?? [];
  const index = entries.findIndex(
    (e) => (e.backend === "*" || e.backend === backendId) && globMatches(e.models, modelName) && e.aliases.includes(alias),
  );
  const entry = entries[index];
  return entry === undefined ? undefined : { source: `policies.protectedAliases[${index}]`, environment: entry.environment, entry };
}

/** Where a protected alias's move goes instead: the GraphQL mutation and the CLI command. */
export function requestPath(backendId: string, modelName: string, alias: string, version = "VERSION"): string {
  return `request the move with the aliasMoveRequest mutation (CLI: modelgate alias request ${modelName} ${alias} ${version} --backend ${backendId} --reason "...")`;
}

/** The refusal of a direct move (`version` given) or removal of a protected alias. */
export function protectedAliasError(p: AliasProtection, backendId: string, modelName: string, alias: string, version?: string): ForbiddenError {
  const what = `alias "${alias}" of ${backendId}/${modelName} is protected (${p.source})`;
  const message =
    version === undefined
      ? `${what} and cannot be removed directly: move it to another version through a promotion request, or take it out of ${p.source} first (${requestPath(backendId, modelName, alias)})`
      : `${what}: it moves only through a promotion request with the gates and approvals of environment "${p.environment}"; ${requestPath(backendId, modelName, alias, version)}`;
  return new ForbiddenError(message, { field: "alias" });
}
