/**
 * Promotion policy: which stage transitions exist and which gates a promotion must pass, from
 * `policies:` in modelgate.yaml, or the defaults below when none is configured.
 */
import { InvalidInputError, type Stage } from "../core/index.js";
import type { PoliciesConfig, PolicyRuleConfig } from "../config/schema.js";
import type { RequestPolicy } from "../store/workflow-store.js";
import { shadowPolicy } from "./shadow-gate.js";
import { provenancePolicy } from "./provenance-gates.js";

/**
 * Default transitions. SHADOW is its own step: a version reaches it from STAGING and leaves it for
 * PRODUCTION only through a request of its own. ARCHIVED versions come back through STAGING.
 */
export const DEFAULT_TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = Object.freeze({
  NONE: ["STAGING", "ARCHIVED"],
  STAGING: ["SHADOW", "PRODUCTION", "ARCHIVED", "NONE"],
  SHADOW: ["PRODUCTION", "STAGING", "ARCHIVED"],
  PRODUCTION: ["ARCHIVED"],
  ARCHIVED: ["STAGING"],
});

/**
 * Default rules (used when `policies.rules` is empty or absent), first match wins:
 * - to PRODUCTION: an eval record (any score >= 0), a clean canary result, and 1 approval;
 * - to STAGING or SHADOW: an eval record (any score >= 0);
 * - to ARCHIVED or NONE: 1 approval (it can take a version out of service).
 */
export const DEFAULT_RULES: readonly PolicyRuleConfig[] = Object.freeze([
  { models: "*", backend: "*", environment: "*", toStages: ["PRODUCTION"], gates: { eval: { minScore: 0 }, canary: true, approvals: 1 }, demoteTo: "ARCHIVED" },
  { models: "*", backend: "*", environment: "*", toStages: ["STAGING", "SHADOW"], gates: { eval: { minScore: 0 }, canary: false, approvals: 0 }, demoteTo: "ARCHIVED" },
  { models: "*", backend: "*", environment: "*", toStages: ["ARCHIVED", "NONE"], gates: { canary: false, approvals: 1 }, demoteTo: "ARCHIVED" },
]);

export interface MatchedPolicy extends RequestPolicy {
  demoteTo: Stage;
}

/** `*` matches any run of characters; everything else literally. */
export function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(value);
}

export class PromotionPolicies {
  readonly transitions: Readonly<Record<Stage, readonly Stage[]>>;
  readonly rules: readonly PolicyRuleConfig[];
  /** True when the rules are the built-in defaults. */
  readonly isDefault: boolean;

  constructor(config: PoliciesConfig | undefined) {
    const configured = config?.transitions;
    this.transitions =
      configured === undefined
        ? DEFAULT_TRANSITIONS
        : { NONE: configured.NONE ?? [], STAGING: configured.STAGING ?? [], SHADOW: configured.SHADOW ?? [], PRODUCTION: configured.PRODUCTION ?? [], ARCHIVED: configured.ARCHIVED ?? [] };
    this.isDefault = (config?.rules.length ?? 0) === 0;
    this.rules = this.isDefault ? DEFAULT_RULES : config!.rules;
  }

  /** Throws InvalidInputError (field toStage) listing the allowed targets when `from -> to` is not a transition. */
  checkTransition(from: Stage, to: Stage): void {
    const allowed = this.transitions[from];
    if (!allowed.includes(to)) {
      throw new InvalidInputError(
        `a version in ${from} cannot go to ${to}; allowed from ${from}: ${allowed.length === 0 ? "(none)" : allowed.join(", ")}`,
        { field: "toStage" },
      );
    }
  }

  /**
   * The gates for a promotion; a target no rule covers passes no gate but approval by one approver.
   * `fromStage` (the version's stage now): rules with `fromStages` cover only those; without it
   * (rollbacks, deployments) only rules without `fromStages` match.
   */
  match(backendId: string, modelName: string, environment: string, toStage: Stage, fromStage?: Stage): MatchedPolicy {
    const index = this.rules.findIndex(
      (r) =>
        (r.backend === "*" || r.backend === backendId) &&
        (r.environment === "*" || r.environment === environment) &&
        globMatches(r.models, modelName) &&
        (r.toStages === undefined || r.toStages.includes(toStage)) &&
        (r.fromStages === undefined || (fromStage !== undefined && r.fromStages.includes(fromStage))),
    );
    const rule = this.rules[index];
    if (rule === undefined) {
      // Safe fallback: nothing moves without a second person looking at it.
      return { source: "fallback", eval: null, canary: false, approvals: 1, demoteTo: "ARCHIVED" };
    }
    return {
      source: this.isDefault ? `default[${index}]` : `rules[${index}]`,
      eval: rule.gates.eval === undefined ? null : { minScore: rule.gates.eval.minScore, ...(rule.gates.eval.suite === undefined ? {} : { suite: rule.gates.eval.suite }) },
      canary: rule.gates.canary,
      approvals: rule.gates.approvals,
      ...shadowPolicy(rule.gates),
      ...provenancePolicy(rule.gates),
      demoteTo: rule.demoteTo,
    };
  }
}
