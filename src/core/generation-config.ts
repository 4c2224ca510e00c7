/**
 * The LLM generation config: what an LLM application runs. Versioned, approved and rolled back as
 * a unit, exactly like a model version.
 */
export interface EvalResult {
  suite: string;
  score: number;
  /** The eval run (id or date). */
  run?: string;
  artifactUri?: string;
}

export interface GenerationConfig {
  /** A pinned provider model id, e.g. "gpt-5-mini-2026-06-10". Never a floating alias in production. */
  model: string;
  /** "name@version" of a prompt (same registry or another one). */
  promptRef?: string;
  params: Record<string, unknown>;
  /** "name@version" of a set of tool/function schemas. */
  toolsRef?: string;
  eval?: EvalResult;
  approvedBy?: string;
}

/** Suffixes and names that mark a model id as a floating alias rather than a pinned snapshot. */
const FLOATING = [/-latest$/i, /:latest$/i, /^latest$/i, /-preview$/i, /@latest$/i];

/**
 * True when a model id floats: it can silently point at a different model tomorrow.
 * A pinned snapshot carries a date or version ("gpt-5-mini-2026-06-10", "claude-x@20260101").
 */
export function isFloatingModelId(model: string): boolean {
  return FLOATING.some((re) => re.test(model.trim()));
}

/** Parses "name@version" references. Returns undefined when the text is not of that form. */
export function parseRef(ref: string): { name: string; version: string } | undefined {
  const at = ref.lastIndexOf("@");
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { name: ref.slice(0, at), version: ref.slice(at + 1) };
}
