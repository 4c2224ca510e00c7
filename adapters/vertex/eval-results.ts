/**
 * Eval results of a version: the eval its generation config records (as for every backend), then
 * Vertex AI's model evaluations of that version (ListModelEvaluations with the version as parent).
 *
 * A ModelEvaluation carries `metrics`, a struct whose shape depends on its metrics schema. A numeric
 * top-level `score` is the evaluation's result, named by the evaluation's display name; otherwise
 * each numeric top-level metric is one result, named "<display name>/<metric>" (e.g. "holdout/auRoc").
 * The run is the pipeline job of `metadata.pipeline_job_id` when Vertex AI recorded one, else the
 * evaluation's id; the artifact is `metadata.row_based_metrics_path` when present.
 */
import type { CallContext, EvalResult } from "../../src/core/index.js";
import type { VertexBackend } from "./backend-context.js";
import { fromProtoValue, type Json, type ProtoValue } from "./protobuf-value.js";
import type { IModelEvaluation } from "./rpc.js";
import { fetchAll } from "./scan.js";
import { fetchVersion, servedVersion } from "./version-reads.js";
import { existingModelId } from "./model-reads.js";

export async function getEvalResults(b: VertexBackend, name: string, version: string, ctx: CallContext): Promise<EvalResult[]> {
  const served = servedVersion(b, await fetchVersion(b, name, version, ctx));
  const parent = b.names.version(existingModelId(b, name), version);
  const evaluations = await fetchAll(
    (token) => b.rpc.listModelEvaluations({ parent, pageSize: b.pageSize, ...(token ? { pageToken: token } : {}) }, ctx),
    b.backend,
    `listing the evaluations of ${parent}`,
  );
  const own = served.generationConfig?.eval;
  return [...(own ? [{ ...own }] : []), ...evaluations.flatMap(toEvalResults)];
}

export function toEvalResults(evaluation: IModelEvaluation): EvalResult[] {
  const id = /\/evaluations\/([^/]+)$/.exec(evaluation.name ?? "")?.[1] ?? evaluation.name ?? "";
  const suite = evaluation.displayName || id;
  const metrics = asObject(fromProtoValue(evaluation.metrics as ProtoValue | null | undefined));
  const metadata = asObject(fromProtoValue(evaluation.metadata as ProtoValue | null | undefined));
  const pipeline = metadata["pipeline_job_id"];
  const artifact = metadata["row_based_metrics_path"];
  const common = {
    run: typeof pipeline === "string" && pipeline !== "" ? pipeline : id,
    ...(typeof artifact === "string" && artifact !== "" ? { artifactUri: artifact } : {}),
  };
  const score = metrics["score"];
  if (typeof score === "number" && Number.isFinite(score)) return [{ suite, score, ...common }];
  return Object.entries(metrics)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([metric, value]) => ({ suite: `${suite}/${metric}`, score: value, ...common }));
}

function asObject(json: Json): Record<string, Json> {
  return json !== null && typeof json === "object" && !Array.isArray(json) ? json : {};
}
