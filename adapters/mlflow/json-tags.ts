/**
 * What MLflow has no field for, kept in version tags as canonical JSON: the generation config, the
 * registration's params and metrics, and lineage beyond run_id / run_link. Read back with zod, so a
 * tag edited by hand in MLflow's UI is reported precisely instead of served half-parsed.
 */
import { z } from "zod";
import { canonicalJson, generationConfigSchema, type GenerationConfig, type Lineage } from "../../src/core/index.js";

const paramsSchema = z.record(z.string(), z.unknown());
const metricsSchema = z.record(z.string(), z.number().finite());
const lineageSchema = z.strictObject({
  codeCommit: z.string().optional(),
  datasetHash: z.string().optional(),
  parentModel: z.string().optional(),
  teacherModel: z.string().optional(),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseJsonTag<T>(text: string, schema: z.ZodType<T>): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON (${(err as Error).message})` };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? issue.path.map(String).join(".") : "(top level)";
  return { ok: false, problem: `${at}: ${issue?.message ?? "invalid"}` };
}

export function encodeGenerationConfig(config: GenerationConfig): string {
  return canonicalJson(config);
}

export function decodeGenerationConfig(text: string): ParseResult<GenerationConfig> {
  const parsed = parseJsonTag(text, generationConfigSchema);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const config: GenerationConfig = {
    model: c.model,
    params: c.params,
    ...(c.promptRef === undefined ? {} : { promptRef: c.promptRef }),
    ...(c.toolsRef === undefined ? {} : { toolsRef: c.toolsRef }),
    ...(c.approvedBy === undefined ? {} : { approvedBy: c.approvedBy }),
    ...(c.eval === undefined
      ? {}
      : {
          eval: {
            suite: c.eval.suite,
            score: c.eval.score,
            ...(c.eval.run === undefined ? {} : { run: c.eval.run }),
            ...(c.eval.artifactUri === undefined ? {} : { artifactUri: c.eval.artifactUri }),
          },
        }),
  };
  return { ok: true, value: config };
}

export function decodeParams(text: string): ParseResult<Record<string, unknown>> {
  return parseJsonTag(text, paramsSchema);
}

export function decodeMetrics(text: string): ParseResult<Record<string, number>> {
  return parseJsonTag(text, metricsSchema);
}

export type ExtraLineage = Pick<Lineage, "codeCommit" | "datasetHash" | "parentModel" | "teacherModel">;

export function decodeLineage(text: string): ParseResult<ExtraLineage> {
  const parsed = parseJsonTag(text, lineageSchema);
  if (!parsed.ok) return parsed;
  const out: ExtraLineage = {};
  for (const [k, v] of Object.entries(parsed.value)) if (v !== undefined) out[k as keyof ExtraLineage] = v;
  return { ok: true, value: out };
}
