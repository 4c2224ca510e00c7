/** SageMaker's name rules for model package groups (the gateway's model names on this backend). */

/** EntityName: 1-63 letters, digits and '-', starting and ending with a letter or digit. */
export const GROUP_NAME_RE = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function isGroupName(name: string): boolean {
  return name.length <= 63 && GROUP_NAME_RE.test(name);
}

export const GROUP_NAME_RULE = "SageMaker model names (model package groups) are 1-63 letters, digits and '-', starting and ending with a letter or digit";

/** Version numbers as SageMaker assigns them: 1, 2, 3 ... */
export function parseVersionNumber(version: string): number | undefined {
  if (!/^[1-9]\d{0,8}$/.test(version)) return undefined;
  return Number(version);
}

/**
 * What of a case-insensitive `nameContains` SageMaker can filter on. SageMaker does not document
 * whether its NameContains matches case (moto's does), so only the longest part of the text without
 * letters (digits and '-') is sent, which matches the same names either way; the full,
 * case-insensitive test runs on the results. Undefined when no such part of two or more characters exists.
 */
export function serverNameFragment(needle: string): string | undefined {
  let best = "";
  for (const run of needle.match(/[0-9-]+/g) ?? []) if (run.length > best.length) best = run;
  return best.length >= 2 ? best.slice(0, 63) : undefined;
}

/** True when no group name can contain `needle` (it has characters group names never have). */
export function matchesNoGroupName(needle: string): boolean {
  return !/^[A-Za-z0-9-]*$/.test(needle) || needle.length > 63;
}
