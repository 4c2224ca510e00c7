/** Parsers for option values; each throws commander's InvalidArgumentError naming what was wrong. */
import { InvalidArgumentError } from "commander";
import type { Stage } from "../client/index.js";

export const STAGES: readonly Stage[] = ["NONE", "STAGING", "SHADOW", "PRODUCTION", "ARCHIVED"];

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}".`);
  }
  return n;
}

/** An ISO 8601 date-time, normalized to UTC ("2026-06-01T00:00:00.000Z"). */
export function isoDateTime(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    throw new InvalidArgumentError(`expected an ISO 8601 date-time such as 2026-06-01T12:00:00Z, got "${value}".`);
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError(`"${value}" is not a valid ISO 8601 date-time.`);
  return new Date(time).toISOString();
}

export function stage(value: string): Stage {
  const upper = value.trim().toUpperCase() as Stage;
  if (!STAGES.includes(upper)) throw new InvalidArgumentError(`expected one of ${STAGES.join(", ")}, got "${value}".`);
  return upper;
}

export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not an absolute URL (expected e.g. http://127.0.0.1:4000).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError(`"${value}" must be an http or https URL.`);
  return value;
}

function splitPair(value: string): [string, string] {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}".`);
  return [value.slice(0, eq).trim(), value.slice(eq + 1)];
}

/** Repeatable key=value with string values (--tag team=search). */
export function collectString(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, text] = splitPair(value);
  return { ...previous, [key]: text };
}

/** Repeatable key=number (--metric accuracy=0.91). */
export function collectNumber(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const [key, text] = splitPair(value);
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`"${key}" must be a finite number, got "${text}".`);
  return { ...previous, [key]: n };
}

/**
 * Repeatable key=value where the value is JSON when it parses as JSON (0.2, true, ["\n"], {"a":1},
 * "quoted") and a plain string otherwise (--param temperature=0.2 --param style=terse).
 */
export function collectJson(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const [key, text] = splitPair(value);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { ...previous, [key]: parsed };
}
