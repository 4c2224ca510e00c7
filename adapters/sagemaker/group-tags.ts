/**
 * A model package group's tags: the model's tags, and its aliases. SageMaker has no aliases, so
 * each is a group tag `modelgate:alias:<name>` whose value is the version number. One AddTags call
 * replaces a tag's value, so moving an alias is a single write: it is never on two versions, nor
 * briefly on none.
 */
import type { Tag } from "@aws-sdk/client-sagemaker";
import { InvalidInputError } from "../../src/core/index.js";
import { OWN_PREFIX } from "./customer-metadata.js";

export const ALIAS_PREFIX = "modelgate:alias:";
/** Alias names: letters, digits, '_', '.', '-' (the tag key must stay within 128 characters). */
const ALIAS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export function aliasTagKey(alias: string): string {
  return ALIAS_PREFIX + alias;
}

export function validateAlias(alias: string, backend: string): void {
  if (!ALIAS_RE.test(alias)) {
    throw new InvalidInputError(`alias "${alias}": SageMaker aliases are 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit`, {
      backend,
      field: "alias",
    });
  }
}

export interface GroupTags {
  /** The model's tags (every tag but the gateway's own). */
  tags: Record<string, string>;
  /** alias name -> version */
  aliases: Record<string, string>;
}

/**
 * Reads a group's tag list. A key listed twice keeps its last value (SageMaker lists each key
 * once; moto appends a tag added again instead of replacing it).
 */
export function readGroupTags(list: readonly Tag[]): GroupTags {
  const out: GroupTags = { tags: {}, aliases: {} };
  for (const tag of list) {
    const key = tag.Key;
    if (key === undefined) continue;
    const value = tag.Value ?? "";
    if (key.startsWith(ALIAS_PREFIX)) {
      const alias = key.slice(ALIAS_PREFIX.length);
      if (/^\d+$/.test(value)) out.aliases[alias] = String(Number(value));
    } else if (!key.startsWith(OWN_PREFIX)) {
      out.tags[key] = value;
    }
  }
  return out;
}

/** version -> its alias names, sorted. */
export function aliasesOf(aliases: Readonly<Record<string, string>>, version: string): string[] {
  return Object.entries(aliases)
    .filter(([, v]) => v === version)
    .map(([a]) => a)
    .sort();
}
