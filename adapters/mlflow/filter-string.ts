/**
 * GraphQL filters as MLflow search filter strings. MLflow joins clauses with AND, quotes strings in
 * single or double quotes with no escape character, and has no ESCAPE for LIKE, so:
 *
 * - a value is written exactly when one of the two quote styles can hold it; otherwise the clause
 *   becomes a LIKE whose unrepresentable characters are `_` wildcards;
 * - `nameContains` becomes `name ILIKE '%…%'` where `%`, `_`, `\`, `[`, `]`, quotes and non-ASCII
 *   characters (whose case folding differs between SQL backends) are `_` wildcards.
 *
 * Either way MLflow returns a superset; `exact` is false and the caller filters the page again
 * exactly. Where MLflow can filter exactly, it does all the work.
 */
import type { Tags } from "../../src/core/index.js";

export interface FilterString {
  /** Clauses joined with AND; empty when there is nothing to filter. */
  filter: string;
  /** True when MLflow's answer needs no filtering after fetching. */
  exact: boolean;
  /** True when nothing can match (a tag key MLflow would never accept). */
  impossible: boolean;
}

/** MLflow tag keys: letters, digits, `_ - . / :` and spaces. */
const TAG_KEY_RE = /^[\p{L}\p{N}_\-./ :]+$/u;
/** Characters safe inside a LIKE pattern on every SQL backend MLflow supports. */
const LIKE_SAFE_RE = /^[A-Za-z0-9 !#$&()*+,\-./:;<=>?@^`{|}~]$/;

/** The value as a filter literal, or undefined when no quote style can hold it exactly. */
export function quoteExact(value: string): string | undefined {
  if (value.endsWith("\\")) return undefined;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return undefined;
}

/** A LIKE pattern (without the surrounding `%`): unsafe characters become `_`. */
export function likeBody(value: string): { body: string; exact: boolean } {
  let exact = true;
  let body = "";
  for (const ch of value) {
    if (LIKE_SAFE_RE.test(ch)) {
      body += ch;
    } else {
      body += "_";
      exact = false;
    }
  }
  return { body, exact };
}

function tagClause(key: string, value: string): { clause?: string; exact: boolean; impossible: boolean } {
  if (!TAG_KEY_RE.test(key) || key.includes("`")) return { exact: true, impossible: true };
  const lhs = `tags.\`${key}\``;
  const literal = quoteExact(value);
  if (literal !== undefined) return { clause: `${lhs} = ${literal}`, exact: true, impossible: false };
  const { body } = likeBody(value);
  return { clause: `${lhs} LIKE '${body}'`, exact: false, impossible: false };
}

function combine(parts: { clause?: string; exact: boolean; impossible: boolean }[]): FilterString {
  return {
    filter: parts
      .map((p) => p.clause)
      .filter((c): c is string => c !== undefined)
      .join(" AND "),
    exact: parts.every((p) => p.exact),
    impossible: parts.some((p) => p.impossible),
  };
}

function tagParts(tags: Tags | undefined) {
  return Object.entries(tags ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => tagClause(k, v));
}

/** `registered-models/search` filter for `nameContains` and `tags`. */
export function modelFilterString(nameContains: string | undefined, tags: Tags | undefined): FilterString {
  const parts: { clause?: string; exact: boolean; impossible: boolean }[] = [];
  if (nameContains !== undefined && nameContains !== "") {
    const { body, exact } = likeBody(nameContains);
    parts.push({ clause: `name ILIKE '%${body}%'`, exact, impossible: false });
  }
  parts.push(...tagParts(tags));
  return combine(parts);
}

/** `model-versions/search` filter: one model's versions after `afterVersion`, with `tags`. */
export function versionFilterString(
  modelName: string,
  opts: { afterVersion?: number; onlyVersion?: number; tags?: Tags | undefined } = {},
): FilterString {
  const parts: { clause?: string; exact: boolean; impossible: boolean }[] = [];
  const literal = quoteExact(modelName);
  if (literal !== undefined) parts.push({ clause: `name = ${literal}`, exact: true, impossible: false });
  else parts.push({ clause: `name LIKE '${likeBody(modelName).body}'`, exact: false, impossible: false });
  if (opts.afterVersion !== undefined) parts.push({ clause: `version_number > ${opts.afterVersion}`, exact: true, impossible: false });
  if (opts.onlyVersion !== undefined) parts.push({ clause: `version_number = ${opts.onlyVersion}`, exact: true, impossible: false });
  parts.push(...tagParts(opts.tags));
  return combine(parts);
}

/** The exact test MLflow's superset is filtered with. */
export function nameContains(name: string, needle: string | undefined): boolean {
  return needle === undefined || needle === "" || name.toLowerCase().includes(needle.toLowerCase());
}

export function hasTags(tags: Readonly<Record<string, string>>, wanted: Tags | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => tags[k] === v);
}
