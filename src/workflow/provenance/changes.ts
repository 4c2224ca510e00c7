/**
 * What changed between two versions of a model: params and metrics (with deltas), the generation
 * config's fields, the prompt text (a line diff), the tools (by tool name), lineage, tags and the
 * version's own fields.
 */
import { canonicalJson, diffLines, unifiedDiff, type DiffLine, type ModelVersion } from "../../core/index.js";
import type { VersionContent } from "./identity.js";

export type ChangeKind = "ADDED" | "REMOVED" | "CHANGED" | "UNCHANGED";

export interface ValueChange {
  key: string;
  change: ChangeKind;
  /** JSON values (null when absent on that side). */
  before: unknown;
  after: unknown;
}

export interface MetricChange {
  key: string;
  change: ChangeKind;
  before: number | null;
  after: number | null;
  /** after - before, when both exist. */
  delta: number | null;
}

export interface PromptChange {
  beforeRef: string | null;
  afterRef: string | null;
  /** The text differs (a different ref with the same text is not a change of text). */
  changed: boolean;
  lines: DiffLine[];
  /** The line diff in unified form (empty when the text is the same). */
  unified: string;
}

export interface VersionChanges {
  from: ModelVersion;
  to: ModelVersion;
  /** description, artifactUri, stage. */
  fields: ValueChange[];
  params: ValueChange[];
  metrics: MetricChange[];
  generationConfig: ValueChange[];
  prompt: PromptChange | null;
  tools: ValueChange[];
  lineage: ValueChange[];
  tags: ValueChange[];
  /** Reading a prompt or tool set failed: the comparison of that part is incomplete. */
  problems: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

function compareRecords(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ""): ValueChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: ValueChange[] = [];
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    const key = `${prefix}${k}`;
    if (a === undefined && b !== undefined) out.push({ key, change: "ADDED", before: null, after: b });
    else if (a !== undefined && b === undefined) out.push({ key, change: "REMOVED", before: a, after: null });
    else if (!same(a, b)) out.push({ key, change: "CHANGED", before: a, after: b });
  }
  return out;
}

/** Tools by name (OpenAI `{type, function: {name}}` or `{name}` entries); anything else compared as a whole. */
function toolsByName(tools: unknown): Record<string, unknown> | undefined {
  if (tools === undefined || tools === null) return {};
  const list = Array.isArray(tools) ? tools : typeof tools === "object" && Array.isArray((tools as { tools?: unknown }).tools) ? (tools as { tools: unknown[] }).tools : undefined;
  if (list === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const t of list) {
    const name = (t as { name?: unknown; function?: { name?: unknown } } | null)?.function?.name ?? (t as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name in out) return undefined;
    out[name] = t;
  }
  return out;
}

export function compareVersions(from: ModelVersion, to: ModelVersion, fromContent: VersionContent, toContent: VersionContent): VersionChanges {
  const metricKeys = [...new Set([...Object.keys(from.metrics), ...Object.keys(to.metrics)])].sort();
  const metrics: MetricChange[] = metricKeys.map((key) => {
    const a = from.metrics[key];
    const b = to.metrics[key];
    if (a === undefined) return { key, change: "ADDED", before: null, after: b!, delta: null };
    if (b === undefined) return { key, change: "REMOVED", before: a, after: null, delta: null };
    return { key, change: a === b ? "UNCHANGED" : "CHANGED", before: a, after: b, delta: b - a };
  });
  const gA = from.generationConfig;
  const gB = to.generationConfig;
  const genFields = (g: ModelVersion["generationConfig"]): Record<string, unknown> =>
    g === undefined
      ? {}
      : {
          model: g.model,
          ...(g.promptRef === undefined ? {} : { promptRef: g.promptRef }),
          ...(g.toolsRef === undefined ? {} : { toolsRef: g.toolsRef }),
          ...(g.eval === undefined ? {} : { "eval.suite": g.eval.suite, "eval.score": g.eval.score }),
          ...(g.approvedBy === undefined ? {} : { approvedBy: g.approvedBy }),
          ...Object.fromEntries(Object.entries(g.params).map(([k, v]) => [`params.${k}`, v])),
        };
  let prompt: PromptChange | null = null;
  if (gA?.promptRef !== undefined || gB?.promptRef !== undefined) {
    const a = fromContent.prompt?.template ?? "";
    const b = toContent.prompt?.template ?? "";
    const lines = diffLines(a, b);
    prompt = { beforeRef: gA?.promptRef ?? null, afterRef: gB?.promptRef ?? null, changed: a !== b, lines, unified: unifiedDiff(lines) };
  }
  let tools: ValueChange[] = [];
  if (gA?.toolsRef !== undefined || gB?.toolsRef !== undefined) {
    const a = toolsByName(fromContent.tools?.tools);
    const b = toolsByName(toContent.tools?.tools);
    tools =
      a !== undefined && b !== undefined
        ? compareRecords(a, b)
        : same(fromContent.tools?.tools, toContent.tools?.tools)
          ? []
          : [{ key: "(tools)", change: "CHANGED", before: fromContent.tools?.tools ?? null, after: toContent.tools?.tools ?? null }];
  }
  const fieldsOf = (v: ModelVersion): Record<string, unknown> => ({
    ...(v.description === undefined ? {} : { description: v.description }),
    ...(v.artifactUri === undefined ? {} : { artifactUri: v.artifactUri }),
    stage: v.stage,
  });
  return {
    from,
    to,
    fields: compareRecords(fieldsOf(from), fieldsOf(to)),
    params: compareRecords(from.params, to.params),
    metrics,
    generationConfig: compareRecords(genFields(gA), genFields(gB)),
    prompt,
    tools,
    lineage: compareRecords({ ...from.lineage }, { ...to.lineage }),
    tags: compareRecords(from.tags, to.tags),
    problems: [...fromContent.problems.map((p) => `${from.version}: ${p}`), ...toContent.problems.map((p) => `${to.version}: ${p}`)],
  };
}

/** The version listed just before `version` (numeric order when every version is a number, else creation time). */
export function previousVersion(all: readonly ModelVersion[], version: ModelVersion): ModelVersion | undefined {
  const numeric = all.every((v) => /^\d+$/.test(v.version));
  const sorted = [...all].sort((a, b) =>
    numeric
      ? Number(a.version) - Number(b.version)
      : (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0),
  );
  const at = sorted.findIndex((v) => v.version === version.version);
  return at > 0 ? sorted[at - 1] : undefined;
}
