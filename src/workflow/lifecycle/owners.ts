/**
 * Who owns a model (Model.owner, the addressee of its idle alerts; docs/lifecycle.md#owners): the
 * model's own `modelgate.owner` / `modelgate.owner-contact` tags in its backend when it has either
 * (the team that registers the model says so where the model lives), else the first
 * `lifecycle.owners` rule of modelgate.yaml matching its backend and name, else nobody.
 */
import type { RegisteredModel, Tags } from "../../core/index.js";
import type { OwnerRuleConfig } from "../../config/schema.js";
import { globMatches } from "../policy.js";

export const OWNER_TAG = "modelgate.owner";
export const OWNER_CONTACT_TAG = "modelgate.owner-contact";

export type OwnerSource = "TAG" | "CONFIG";

export interface ModelOwner {
  team: string | null;
  contact: string | null;
  /** Where it was read: the model's tags, or a lifecycle.owners rule. */
  source: OwnerSource;
}

export class ModelOwners {
  constructor(private readonly rules: readonly OwnerRuleConfig[]) {}

  /** The owner of `model` (its tags first, then the rules), or null. */
  of(model: Pick<RegisteredModel, "backendId" | "name" | "tags">): ModelOwner | null {
    return fromTags(model.tags) ?? this.fromRules(model.backendId, model.name);
  }

  /** The first rule matching the backend and model name, or null. */
  fromRules(backendId: string, modelName: string): ModelOwner | null {
    const rule = this.rules.find((r) => (r.backend === "*" || r.backend === backendId) && globMatches(r.models, modelName));
    return rule === undefined ? null : { team: rule.team ?? null, contact: rule.contact ?? null, source: "CONFIG" };
  }
}

function fromTags(tags: Tags): ModelOwner | null {
  const team = tags[OWNER_TAG]?.trim() || null;
  const contact = tags[OWNER_CONTACT_TAG]?.trim() || null;
  return team === null && contact === null ? null : { team, contact, source: "TAG" };
}
